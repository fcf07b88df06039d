/**
 * The local OpenID provider (`oidc-provider`, OpenID Certified) that the dashboard logs users in
 * with. Started by `./pilothouse up` and by the tests; demo users in platform/oidc/users.ts.
 *
 * @see https://github.com/panva/node-oidc-provider
 */
import { readFileSync } from "node:fs";
import { createServer, type RequestListener } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import Provider from "oidc-provider";
import { readOidcEnv, refreshTokenRotation } from "./config";
import { handleInteraction } from "./interactions";
import { loadOrCreateKeys } from "./keys";
import { findUser } from "./users";

const env = readOidcEnv();
const keys = loadOrCreateKeys(env.OIDC_KEYS_FILE);
const redirectUris = env.OIDC_REDIRECT_URIS.split(",").map((s) => s.trim());

const provider = new Provider(env.OIDC_ISSUER, {
  clients: [
    {
      client_id: env.OIDC_CLIENT_ID,
      client_secret: env.OIDC_CLIENT_SECRET,
      redirect_uris: redirectUris,
      post_logout_redirect_uris: redirectUris.map((u) => new URL(u).origin),
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  jwks: { keys: [keys.jwk] },
  cookies: { keys: keys.cookieKeys },
  scopes: ["openid", "offline_access", "email", "profile", "groups"],
  claims: {
    email: ["email", "email_verified"],
    profile: ["name", "preferred_username"],
    groups: ["groups"],
  },
  // Put the scoped claims (email, groups) into the ID token itself, as Dex and Keycloak do, so
  // that a relying party (and the apiserver's OIDC authenticator) can read them from there.
  conformIdTokenClaims: false,
  // OIDC_ROTATE_REFRESH_TOKEN=always: a new refresh token on every use (reuse is refused), as
  // many production IdPs do; the test profile runs that way.
  ...refreshTokenRotation(env),
  findAccount(_ctx, sub) {
    const user = findUser(sub);
    if (!user) return undefined;
    return {
      accountId: user.email,
      claims: () => ({
        sub: user.email,
        email: user.email,
        email_verified: true,
        name: user.name,
        preferred_username: user.email.split("@")[0],
        groups: user.groups,
      }),
    };
  },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true },
    // RFC 7009: the tests revoke a session's refresh token to see the session end cleanly.
    revocation: { enabled: true },
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  ttl: {
    AccessToken: env.OIDC_ACCESS_TOKEN_TTL,
    IdToken: env.OIDC_ID_TOKEN_TTL,
    RefreshToken: env.OIDC_REFRESH_TOKEN_TTL,
    Grant: env.OIDC_REFRESH_TOKEN_TTL,
    Session: env.OIDC_REFRESH_TOKEN_TTL,
    Interaction: 600,
  },
});

const callback = provider.callback();
const issuerUrl = new URL(env.OIDC_ISSUER);
const secure = issuerUrl.protocol === "https:";
const port = Number(issuerUrl.port || (secure ? 443 : 80));

const listener: RequestListener = (req, res) => {
  handleInteraction(provider, req, res)
    .then((handled) => {
      // The provider's callback answers the request itself and settles when it is done.
      if (!handled) return callback(req, res);
    })
    .catch((error: unknown) => {
      console.error("interaction failed", error);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("interaction failed");
    });
};

// An https issuer (the one the apiserver's JWT authenticator trusts) serves TLS itself with a
// certificate of the platform's CA; the http issuer of the dashboard's login is unchanged.
const server =
  secure && env.OIDC_TLS_CERT_FILE && env.OIDC_TLS_KEY_FILE
    ? createHttpsServer(
        { cert: readFileSync(env.OIDC_TLS_CERT_FILE), key: readFileSync(env.OIDC_TLS_KEY_FILE) },
        listener,
      )
    : createServer(listener);
server.listen(port, "127.0.0.1", () => {
  console.log(`OpenID provider listening at ${env.OIDC_ISSUER}`);
});
