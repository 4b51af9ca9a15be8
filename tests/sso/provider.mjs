// A real OpenID provider for the single sign-on tests: node's oidc-provider (a certified implementation)
// with one confidential client, PKCE required, and its development sign-in pages.
//
// Test-only: POST /test/next-id-token?mode=... changes the ID token of the next token response, as an
// attacker or a misconfigured provider would, so the tests can show the application refuses each one:
// expired, audience (another client's), issuer (another issuer's), nonce (not this sign-in's) are re-signed
// with the provider's own key; tamper alters a claim and keeps the old signature; foreign is signed with a
// key the provider does not publish.
import Provider from 'oidc-provider';
import * as jose from 'jose';

const config = JSON.parse(process.env.IDP_CONFIG);
const issuer = `http://127.0.0.1:${config.port}`;
const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const jwk = { ...(await jose.exportJWK(privateKey)), kid: 'pathways-test-1', alg: 'RS256', use: 'sig' };
const foreign = (await jose.generateKeyPair('RS256')).privateKey;

const provider = new Provider(issuer, {
  clients: [{
    client_id: config.clientId,
    client_secret: config.clientSecret,
    redirect_uris: [config.redirectUri],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [jwk] },
  pkce: { required: () => true },
  scopes: ['openid', 'email', 'profile', 'employee'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    employee: ['employee_number'],
  },
  conformIdTokenClaims: false, // the claims asked for by scope go into the ID token, as Entra ID and Okta do
  cookies: { keys: ['pathways-test-cookie-key'] },
  findAccount: async (ctx, sub) => (config.accounts[sub]
    ? { accountId: sub, claims: async () => ({ sub, ...config.accounts[sub] }) }
    : undefined),
  features: { devInteractions: { enabled: true } },
});

let nextMode = null;

async function mutate(idToken, mode) {
  const [header, payload, signature] = idToken.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url'));
  const now = Math.floor(Date.now() / 1000);
  if (mode === 'tamper') {
    claims.email = config.tamperEmail;
    return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
  }
  if (mode === 'expired') { claims.iat = now - 7200; claims.exp = now - 3600; }
  if (mode === 'audience') { claims.aud = 'another-application'; delete claims.azp; }
  if (mode === 'issuer') { claims.iss = 'http://127.0.0.1:9/another-issuer'; }
  if (mode === 'nonce') { claims.nonce = 'not-the-nonce-this-sign-in-sent'; }
  const protectedHeader = JSON.parse(Buffer.from(header, 'base64url'));
  return new jose.SignJWT(claims).setProtectedHeader(protectedHeader)
    .sign(mode === 'foreign' ? foreign : privateKey);
}

provider.use(async (ctx, next) => {
  if (ctx.path === '/test/next-id-token' && ctx.method === 'POST') {
    nextMode = ctx.query.mode;
    ctx.status = 204;
    return;
  }
  await next();
  if (ctx.path === '/token' && nextMode && ctx.body && ctx.body.id_token) {
    ctx.body = { ...ctx.body, id_token: await mutate(ctx.body.id_token, nextMode) };
    nextMode = null;
  }
});

provider.listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`listening ${issuer}\n`);
});
