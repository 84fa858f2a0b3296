// A relying party built on the openid-client npm library (an independent OIDC implementation), used by the end-to-end tests.
// Usage: node relying-party.mjs <issuer> <client_id> <client_secret> <port>
// Pages: /login starts the code flow with PKCE (its query parameters are added to the authorization request, and those named
// by omit= are left out, so a test can send a request the provider must refuse); /cb finishes it (openid-client checks state,
// iss, nonce, the ID token's signature against our JWKS, and fetches userinfo), in any response mode: the query, a form_post,
// or the fragment (which a page of its own hands to /cb); an error response is shown once openid-client checked its state
// and iss; /logout goes to the provider's end_session endpoint;
// /backchannel-logout takes the provider's logout token (OIDC Back-Channel Logout 1.0), verified with the jose library
// against the provider's JWKS, and ends this app's session if it names it; /revoke?which=access_token|refresh_token revokes
// one of the session's tokens (RFC 7009) and reports what userinfo and a refresh answer afterwards; /status shows the
// session and the last logout.
import http from 'node:http';
import * as client from 'openid-client';
import * as jose from 'jose';

const [issuer, clientId, clientSecret, portText] = process.argv.slice(2);
const port = Number(portText);
const base = `http://127.0.0.1:${port}`;
const config = await client.discovery(new URL(issuer), clientId, clientSecret, undefined, {
  execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks],
});

// One browser per test: a single pending flow and a single signed-in result are enough.
let pending = null;
let signedIn = null;
let lastLogout = null;
const jwks = jose.createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri));
const logoutEvent = 'http://schemas.openid.net/event/backchannel-logout';

// Section 2.6 of the spec: signature, iss, aud, iat, typ, the logout event, sub or sid, no nonce.
async function verifyLogoutToken(token) {
  const { payload } = await jose.jwtVerify(token, jwks, {
    issuer: config.serverMetadata().issuer,
    audience: clientId,
    typ: 'logout+jwt',
    maxTokenAge: '2 minutes',
    requiredClaims: ['iat', 'jti', 'events'],
  });
  if (typeof payload.events !== 'object' || !(logoutEvent in payload.events)) throw new Error('no logout event');
  if ('nonce' in payload) throw new Error('a logout token carries no nonce');
  if (!payload.sub && !payload.sid) throw new Error('neither sub nor sid');
  return payload;
}

const readBody = (req) => new Promise((resolve, reject) => {
  let body = '';
  req.on('data', (chunk) => { body += chunk; if (body.length > 65536) reject(new Error('body too large')); });
  req.on('end', () => resolve(body));
  req.on('error', reject);
});

const html = (title, body) => `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`;

async function handle(req, res) {
  const url = new URL(req.url, base);
  if (url.pathname === '/login') {
    const codeVerifier = client.randomPKCECodeVerifier();
    pending = { codeVerifier, state: client.randomState(), nonce: client.randomNonce() };
    const parameters = {
      redirect_uri: `${base}/cb`,
      scope: 'openid profile email offline_access',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    };
    for (const [name, value] of url.searchParams) {
      if (name !== 'omit') parameters[name] = value;
    }
    for (const name of (url.searchParams.get('omit') ?? '').split(',').filter(Boolean)) delete parameters[name];
    const target = client.buildAuthorizationUrl(config, parameters);
    res.writeHead(302, { location: target.href }).end();
    return;
  }
  if (url.pathname === '/cb' && req.method === 'GET' && url.search === '') {
    // response_mode=fragment: the browser keeps the fragment; this page hands it to /cb as a query.
    res.writeHead(200, { 'content-type': 'text/html' }).end(html('Returning',
      "<script>location.replace('/cb?' + location.hash.slice(1));</script>"));
    return;
  }
  if (url.pathname === '/cb') {
    if (!pending) throw new Error('no pending flow');
    const current = req.method === 'POST'
      ? new Request(url, { method: 'POST', headers: { 'content-type': req.headers['content-type'] ?? '' }, body: await readBody(req) })
      : url;
    let tokens;
    try {
      tokens = await client.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      if (!(error instanceof client.AuthorizationResponseError)) throw error;
      // openid-client checked iss (RFC 9207) and state before it read the error.
      pending = null;
      const oauthError = { error: error.error, error_description: error.error_description ?? null, method: req.method };
      res.writeHead(200, { 'content-type': 'text/html' }).end(html('Authorization refused',
        `<pre id="error">${error.code} ${error.error}</pre><pre id="oauth-error">${JSON.stringify(oauthError).replace(/</g, '\\u003c')}</pre>`));
      return;
    }
    pending = null;
    const claims = tokens.claims();
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    let refreshed = null;
    let latest = { accessToken: tokens.access_token, refreshToken: tokens.refresh_token };
    if (tokens.refresh_token) {
      const next = await client.refreshTokenGrant(config, tokens.refresh_token);
      refreshed = { rotated: next.refresh_token !== tokens.refresh_token, sub: next.claims()?.sub ?? null };
      latest = { accessToken: next.access_token, refreshToken: next.refresh_token ?? tokens.refresh_token };
    }
    signedIn = { claims, userinfo, idToken: tokens.id_token, refreshed, tokens: latest };
    res.writeHead(200, { 'content-type': 'text/html' }).end(html('Signed in',
      `<pre id="result">${JSON.stringify({ claims, userinfo, refreshed }).replace(/</g, '\\u003c')}</pre>`));
    return;
  }
  if (url.pathname === '/logout') {
    const target = client.buildEndSessionUrl(config, {
      id_token_hint: signedIn?.idToken,
      post_logout_redirect_uri: `${base}/signed-out`,
      state: 'bye-state',
    });
    signedIn = null;
    res.writeHead(302, { location: target.href }).end();
    return;
  }
  if (url.pathname === '/backchannel-logout' && req.method === 'POST') {
    try {
      const token = new URLSearchParams(await readBody(req)).get('logout_token');
      const payload = await verifyLogoutToken(token ?? '');
      const ended = signedIn !== null && (payload.sid ? payload.sid === signedIn.claims.sid : payload.sub === signedIn.claims.sub);
      if (ended) signedIn = null;
      lastLogout = { verified: true, sub: payload.sub ?? null, sid: payload.sid ?? null, endedSession: ended };
      res.writeHead(200, { 'cache-control': 'no-store' }).end();
    } catch (error) {
      lastLogout = { verified: false, error: String(error?.code ?? error?.message ?? error) };
      res.writeHead(400, { 'cache-control': 'no-store' }).end();
    }
    return;
  }
  if (url.pathname === '/revoke') {
    // RFC 7009 through openid-client: revoke one of the current tokens, then try both again.
    if (!signedIn) throw new Error('not signed in');
    const which = url.searchParams.get('which') === 'access_token' ? 'access_token' : 'refresh_token';
    const { accessToken, refreshToken } = signedIn.tokens;
    await client.tokenRevocation(config, which === 'access_token' ? accessToken : refreshToken, { token_type_hint: which });
    const outcome = async (call) => { try { await call(); return 'ok'; } catch (error) { return String(error?.error ?? error?.cause?.[0]?.parameters?.error ?? error?.code ?? error); } };
    const result = {
      userinfo: await outcome(() => client.fetchUserInfo(config, accessToken, signedIn.claims.sub)),
      refresh: await outcome(() => client.refreshTokenGrant(config, refreshToken)),
    };
    res.writeHead(200, { 'content-type': 'text/html' }).end(html('Revoked',
      `<pre id="result">${JSON.stringify(result).replace(/</g, '\\u003c')}</pre>`));
    return;
  }
  if (url.pathname === '/status') {
    res.writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ signedIn: signedIn !== null, sid: signedIn?.claims.sid ?? null, lastLogout }));
    return;
  }
  if (url.pathname === '/signed-out') {
    res.writeHead(200, { 'content-type': 'text/html' }).end(html('Signed out', `<p id="state">${url.searchParams.get('state') ?? ''}</p>`));
    return;
  }
  res.writeHead(404).end();
}

http.createServer((req, res) => {
  handle(req, res).catch((error) => {
    res.writeHead(500, { 'content-type': 'text/html' }).end(html('RP error', `<pre id="error">${String(error?.code ?? '')} ${String(error?.error ?? '')} ${String(error?.message ?? error).replace(/</g, '&lt;')}</pre>`));
  });
}).listen(port, '127.0.0.1', () => console.log(`listening ${port}`));
