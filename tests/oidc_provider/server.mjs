// A real OpenID Connect provider for Styrdok's single sign-on tests (panva/oidc-provider).
//
// Started by tests/channels/test_sso.py as a subprocess. Everything it needs comes from the
// environment so that the test decides the port, the client and the people:
//   OIDC_PORT            port to listen on (127.0.0.1)
//   OIDC_CLIENT          JSON client metadata (client_id, client_secret, redirect_uris, ...)
//   OIDC_ACCOUNTS_FILE   JSON file {"<login>": {claims}}, read on every login so a test can
//                        change a person's groups (or remove the person) between two logins
// The login form is the library's own development interaction (any password is accepted); the
// test drives it over HTTP like a browser would.
import { readFileSync } from 'node:fs';

import { exportJWK, generateKeyPair } from 'jose';
import Provider, { errors } from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
const client = JSON.parse(process.env.OIDC_CLIENT);
const accountsFile = process.env.OIDC_ACCOUNTS_FILE;

function accounts() {
  return JSON.parse(readFileSync(accountsFile, 'utf8'));
}

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const signingKey = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'styrdok-test' };

const provider = new Provider(issuer, {
  clients: [client],
  jwks: { keys: [signingKey] },
  scopes: ['openid', 'email', 'profile', 'groups', 'roles'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'preferred_username'],
    groups: ['groups'],
    roles: ['roles'],
  },
  // Entra ID puts groups and roles in the ID token; so does this provider.
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  pkce: { required: () => false },
  cookies: { keys: ['styrdok-test-cookie-key'] },
  async findAccount(ctx, id) {
    const claims = accounts()[id];
    if (!claims) {
      // Removed at the IdP: the authorization request (prompt=none included) is answered with
      // login_required at the client's redirect_uri, as Entra ID answers for a removed user.
      throw new errors.LoginRequired('the account is gone');
    }
    return {
      accountId: id,
      async claims() {
        return { sub: id, ...claims };
      },
    };
  },
  async loadExistingGrant(ctx) {
    // First-party client: the kommun's own Styrdok needs no consent screen.
    const accountId = ctx.oidc.session.accountId;
    if (!accountId) {
      return undefined;
    }
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId });
    grant.addOIDCScope('openid email profile groups roles');
    await grant.save();
    return grant;
  },
});

provider.on('server_error', (ctx, err) => {
  console.error('server_error', err);
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
