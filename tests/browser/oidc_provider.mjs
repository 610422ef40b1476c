// A real OpenID Connect provider (npm oidc-provider, pinned in tests/node), run locally for the
// portal's "Sign in with ..." tests: its own discovery document, keys (RS256), login and
// consent pages. Any login name signs in as the subject of that name, with the email
// <name>@idp.example. One client: the Remit portal at `redirectUri`.
import http from 'node:http';
import Provider from '../node/node_modules/oidc-provider/lib/index.js';

export async function startOidcProvider({ redirectUri, clientId = 'remit-portal', clientSecret = 'a-test-client-secret-0123456789' }) {
  const server = http.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      token_endpoint_auth_method: 'client_secret_post',
    }],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    cookies: { keys: ['remit-browser-test-cookie-key'] },
    pkce: { required: () => true, methods: ['S256'] },
    conformIdTokenClaims: false,  // the email in the ID token, as Microsoft's and Google's do
    async findAccount(ctx, id) {
      return { accountId: id, async claims() { return { sub: id, email: `${id}@idp.example`, email_verified: true, name: id }; } };
    },
  });
  provider.proxy = false;
  server.on('request', provider.callback());
  return { issuer, clientId, clientSecret, stop: () => new Promise((resolve) => server.close(resolve)) };
}
