// Verifies the id_token our EAM endpoint posted to "Entra" the way an independent OIDC library does (jose): signature by a
// key of our JWKS, RS256, issuer, audience, lifetime; prints the payload as JSON, or the error.
// Usage: node verify-id-token.mjs <jwks_uri> <issuer> <audience> <id_token>
import * as jose from 'jose';

const [jwksUri, issuer, audience, token] = process.argv.slice(2);
try {
  const jwks = jose.createRemoteJWKSet(new URL(jwksUri));
  const { payload, protectedHeader } = await jose.jwtVerify(token, jwks, { issuer, audience, algorithms: ['RS256'] });
  console.log(JSON.stringify({ ok: true, header: protectedHeader, payload }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: `${e.code ?? e.name}: ${e.message}` }));
}
