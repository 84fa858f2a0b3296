// WebAuthn ceremonies for the login and enrollment pages. No inline script (the pages' CSP is script-src 'self').
// Markup: <form data-webauthn="create|get" data-webauthn-options="{...options JSON, binary fields base64url...}">
//   with hidden inputs named credentialId, clientDataJson, attestationObject, transports, authenticatorData, signature,
//   userHandle, clientError, and a <button data-webauthn-start>. The server verifies everything; this only relays.
(function () {
  'use strict';

  function toBase64Url(buffer) {
    var bytes = new Uint8Array(buffer);
    var text = '';
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function fromBase64Url(value) {
    var base64 = value.replace(/-/g, '+').replace(/_/g, '/');
    while (base64.length % 4) base64 += '=';
    var text = atob(base64);
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes.buffer;
  }

  function descriptors(list) {
    return (list || []).map(function (d) {
      var copy = { type: d.type, id: fromBase64Url(d.id) };
      if (d.transports) copy.transports = d.transports;
      return copy;
    });
  }

  function creationOptions(json) {
    var o = JSON.parse(json);
    o.challenge = fromBase64Url(o.challenge);
    o.user.id = fromBase64Url(o.user.id);
    o.excludeCredentials = descriptors(o.excludeCredentials);
    return o;
  }

  function requestOptions(json) {
    var o = JSON.parse(json);
    o.challenge = fromBase64Url(o.challenge);
    o.allowCredentials = descriptors(o.allowCredentials);
    return o;
  }

  function set(form, name, value) {
    var input = form.elements.namedItem(name);
    if (input) input.value = value || '';
  }

  function run(form) {
    var mode = form.getAttribute('data-webauthn');
    var options = form.getAttribute('data-webauthn-options');
    if (!window.PublicKeyCredential || !navigator.credentials) {
      set(form, 'clientError', 'NotSupportedError');
      form.submit();
      return;
    }
    var ceremony = mode === 'create'
      ? navigator.credentials.create({ publicKey: creationOptions(options) })
      : navigator.credentials.get({ publicKey: requestOptions(options) });
    ceremony.then(function (credential) {
      var response = credential.response;
      set(form, 'credentialId', toBase64Url(credential.rawId));
      set(form, 'clientDataJson', toBase64Url(response.clientDataJSON));
      if (mode === 'create') {
        set(form, 'attestationObject', toBase64Url(response.attestationObject));
        set(form, 'transports', response.getTransports ? response.getTransports().join(',') : '');
      } else {
        set(form, 'authenticatorData', toBase64Url(response.authenticatorData));
        set(form, 'signature', toBase64Url(response.signature));
        set(form, 'userHandle', response.userHandle ? toBase64Url(response.userHandle) : '');
      }
      form.submit();
    }, function (error) {
      // Cancelled, timed out or refused: the server shows the message and records the attempt.
      set(form, 'clientError', (error && error.name) || 'Error');
      form.submit();
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    var forms = document.querySelectorAll('form[data-webauthn]');
    Array.prototype.forEach.call(forms, function (form) {
      var button = form.querySelector('[data-webauthn-start]');
      if (!button) return;
      button.addEventListener('click', function (event) {
        event.preventDefault();
        button.disabled = true;
        run(form);
      });
    });
  });
})();
