// Approver page: the phone's side of push approval. Keys are WebCrypto keys created non-extractable and kept in
// IndexedDB; the server only ever sees the public key and signatures. Element ids are stable (see Push/README.md).
'use strict';

const DB_NAME = 'imprivata-approver';
const STORE = 'device';
const POLL_MS = 2000;
const enc = new TextEncoder();
let clockOffsetSeconds = 0;
let device = null;

function $(id) { return document.getElementById(id); }
function say(text) { $('approver-message').textContent = text; }

function b64url(bytes) {
  let s = '';
  new Uint8Array(bytes).forEach(b => { s += String.fromCharCode(b); });
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
function fromB64url(text) {
  const s = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(s, c => c.charCodeAt(0));
}

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}
async function dbGet() {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const r = db.transaction(STORE).objectStore(STORE).get('current');
    r.onsuccess = () => resolve(r.result || null);
    r.onerror = () => reject(r.error);
  });
}
async function dbPut(value) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).put(value, 'current');
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
}

async function sign(text) {
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, device.privateKey, enc.encode(text));
  return b64url(signature); // IEEE P1363 r||s, what the server verifies
}

// --- enrollment -------------------------------------------------------------------------------------------------

async function enroll(token) {
  $('enroll-button').disabled = true;
  try {
    say('Creating this device\'s key...');
    const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    const spki = await crypto.subtle.exportKey('spki', keys.publicKey);
    const response = await fetch('/approve/api/devices', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token, publicKey: b64url(spki), deviceName: $('device-name').value }),
    });
    const body = await response.json();
    if (!response.ok) {
      say('Registration failed: ' + (body.error || response.status) + '. Scan a new QR code.');
      $('enroll-button').disabled = false;
      return;
    }
    // The seed arrives once; it becomes a non-extractable HMAC key and the bytes are dropped.
    const hmacKey = await crypto.subtle.importKey('raw', fromB64url(body.totpSeed), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
    await dbPut({
      userId: body.userId, username: body.username, enrollmentId: body.enrollmentId, deviceName: body.deviceName,
      privateKey: keys.privateKey, hmacKey, digits: body.digits, period: body.period,
    });
    location.replace('/approve');
  } catch (e) {
    say('Registration failed on this device.');
    $('enroll-button').disabled = false;
  }
}

function showEnrollment() {
  const token = location.hash.slice(1);
  // The token stays out of history and screenshots of the address bar.
  history.replaceState(null, '', '/approve/enroll');
  if (!token) {
    say('This enrollment link has no token. Scan the QR code again.');
    return;
  }
  $('enroll-section').hidden = false;
  $('device-name').value = /iPhone|iPad/.test(navigator.userAgent) ? 'iPhone' : /Android/.test(navigator.userAgent) ? 'Android phone' : 'Phone';
  $('enroll-button').addEventListener('click', () => enroll(token));
}

// --- token code (RFC 6238, HMAC-SHA1, 30 s) ---------------------------------------------------------------------

async function showTokenCode() {
  const now = Date.now() / 1000 + clockOffsetSeconds;
  const period = device.period || 30;
  const step = Math.floor(now / period);
  const counter = new ArrayBuffer(8);
  const view = new DataView(counter);
  view.setUint32(0, Math.floor(step / 0x100000000));
  view.setUint32(4, step >>> 0);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', device.hmacKey, counter));
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
  const digits = device.digits || 6;
  $('token-code').textContent = String(binary % 10 ** digits).padStart(digits, '0');
  $('token-remaining').textContent = String(Math.ceil(period - (now % period)));
}

// --- pending challenges -----------------------------------------------------------------------------------------

async function signedGet(path) {
  const time = Math.floor(Date.now() / 1000 + clockOffsetSeconds);
  const nonce = b64url(crypto.getRandomValues(new Uint8Array(16)));
  const signature = await sign(['imprivata-push-device-request-v1', 'GET', path, device.userId, device.enrollmentId, String(time), nonce].join('\n'));
  return fetch(path, {
    headers: {
      'X-Imp-User': device.userId, 'X-Imp-Device': device.enrollmentId, 'X-Imp-Time': String(time),
      'X-Imp-Nonce': nonce, 'X-Imp-Signature': signature,
    },
    cache: 'no-store',
  });
}

function adjustClock(response) {
  const date = Date.parse(response.headers.get('Date') || '');
  if (!Number.isNaN(date))
    clockOffsetSeconds = (date - Date.now()) / 1000;
}

async function poll() {
  try {
    let response = await signedGet('/approve/api/challenges');
    if (response.status === 401) {
      adjustClock(response); // a phone with a wrong clock: retry once on the server's time
      response = await signedGet('/approve/api/challenges');
    }
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      say('This device is not accepted: ' + (body.error || response.status));
      return;
    }
    const body = await response.json();
    clockOffsetSeconds = (Date.parse(body.serverTime) - Date.now()) / 1000;
    render(body.challenges);
  } catch (e) {
    say('Cannot reach the server; retrying.');
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

function render(challenges) {
  const list = $('challenges');
  const ids = new Set(challenges.map(c => c.id));
  for (const item of Array.from(list.children)) {
    if (!ids.has(item.dataset.challengeId))
      item.remove();
  }
  for (const c of challenges) {
    let item = list.querySelector('li[data-challenge-id="' + CSS.escape(c.id) + '"]');
    if (!item) {
      item = $('challenge-template').content.firstElementChild.cloneNode(true);
      item.dataset.challengeId = c.id;
      item.id = 'challenge-' + c.id;
      item.querySelector('.challenge-user').textContent = c.username;
      item.querySelector('.challenge-app').textContent = c.app;
      item.querySelector('.challenge-ip').textContent = c.ip || 'unknown';
      item.querySelector('.challenge-time').textContent = new Date(c.createdAt).toLocaleTimeString();
      const number = item.querySelector('.challenge-number');
      number.id = 'number-' + c.id;
      item.querySelector('.challenge-number-label').htmlFor = number.id;
      item.querySelector('.challenge-match').hidden = !c.numberMatching;
      item.querySelector('.challenge-approve').addEventListener('click', () => decide(c.id, 'approve', c.numberMatching ? number.value.trim() : ''));
      item.querySelector('.challenge-deny').addEventListener('click', () => decide(c.id, 'deny', ''));
      item.querySelector('.challenge-fraud').addEventListener('click', () => decide(c.id, 'fraud', ''));
      list.appendChild(item);
    }
    item.querySelector('.challenge-remaining').textContent = String(c.remainingSeconds);
  }
  $('no-challenges').hidden = challenges.length > 0;
}

async function decide(id, decision, number) {
  const item = $('challenge-' + id);
  item.querySelectorAll('button').forEach(b => { b.disabled = true; });
  try {
    const signature = await sign(['imprivata-push-decision-v1', id, decision, number].join('\n'));
    const response = await fetch('/approve/api/challenges/' + encodeURIComponent(id) + '/decision', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ decision, number, signature }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok)
      say('Not recorded: ' + (body.error || response.status));
    else if (body.reason === 'wrong_number')
      say('The number did not match. The sign-in was denied.');
    else if (body.reason === 'fraud_reported')
      say('Denied and reported. Your administrator has been alerted.');
    else
      say(body.state === 'approved' ? 'Approved.' : 'Denied.');
  } catch (e) {
    say('The decision could not be sent.');
  }
  item.remove();
  $('no-challenges').hidden = $('challenges').children.length > 0;
}

async function showApprover() {
  device = await dbGet();
  if (!device) {
    $('not-enrolled').hidden = false;
    return;
  }
  $('approver-section').hidden = false;
  $('device-label').textContent = device.username + ' on ' + device.deviceName;
  await showTokenCode();
  setInterval(showTokenCode, 1000);
  poll();
}

document.addEventListener('DOMContentLoaded', () => {
  if (!window.crypto || !crypto.subtle || !window.indexedDB) {
    say('This browser cannot hold an approver key (it needs HTTPS or localhost, WebCrypto and IndexedDB).');
    return;
  }
  if (location.pathname === '/approve/enroll')
    showEnrollment();
  else
    showApprover().catch(() => say('This device\'s approver data could not be read.'));
});
