// oidc-provider (npm, v9) as the benchmark's comparison: in-memory adapter (its default), one confidential client with the
// same redirect URI as ours, PKCE required, RS256 with a 2048-bit key (like our software key ring), and a minimal
// interaction: one form, one POST that checks the password and grants the requested scopes (no consent screen, like ours).
// The password is compared in plain text: oidc-provider has no user store, so this side does NO password hashing.
// Usage: node server.mjs <port> <client_id> <client_secret> <redirect_uri> <username> <password>
import http from 'node:http';
import { generateKeyPairSync, timingSafeEqual, createHash } from 'node:crypto';
import Provider from 'oidc-provider';

const [port, clientId, clientSecret, redirectUri, username, password] = process.argv.slice(2);
if (!password) {
  console.error('usage: node server.mjs <port> <client_id> <client_secret> <redirect_uri> <username> <password>');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: 'bench' };

const account = { accountId: 'u-' + username, username, name: username + ' Example', email: username + '@example.org' };

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [signingKey] },
  cookies: { keys: ['benchmark-cookie-key-' + clientSecret] },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email', 'email_verified'] },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(_ctx, sub) {
    if (sub !== account.accountId) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { sub, name: account.name, preferred_username: account.username, email: account.email, email_verified: true };
      },
    };
  },
});

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const digest = (s) => createHash('sha256').update(String(s)).digest();
const same = (a, b) => timingSafeEqual(digest(a), digest(b));

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 16 * 1024) throw new Error('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function page(res, status, html) {
  res.statusCode = status;
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(html);
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return page(res, 400, 'interaction mismatch');
  if (req.method === 'GET' && !action) {
    return page(res, 200, `<!DOCTYPE html><html><body><h1>Sign in</h1>
<form method="post" action="/interaction/${escape(uid)}/login">
<input type="hidden" name="uid" value="${escape(uid)}" />
<input name="username" type="text" /><input name="password" type="password" /><button type="submit">Sign in</button>
</form></body></html>`);
  }
  if (req.method === 'POST' && action === 'login') {
    const form = await readForm(req);
    if (!same(form.get('username') ?? '', account.username) || !same(form.get('password') ?? '', password)) {
      return page(res, 200, 'The username or password is incorrect.');
    }
    const grant = new provider.Grant({ accountId: account.accountId, clientId: details.params.client_id });
    grant.addOIDCScope(String(details.params.scope ?? 'openid'));
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { login: { accountId: account.accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
  }
  return page(res, 404, 'not found');
}

const callback = provider.callback();
const server = http.createServer((req, res) => {
  const match = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login))?$/.exec(req.url.split('?')[0]);
  if (!match) return callback(req, res);
  interaction(req, res, match[1], match[2]).catch((err) => {
    if (!res.headersSent) page(res, 500, 'interaction failed: ' + escape(err.message));
  });
});
server.keepAliveTimeout = 120_000;
server.listen(Number(port), '127.0.0.1', () => console.log(`listening ${issuer}`));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
