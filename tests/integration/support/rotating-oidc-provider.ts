/**
 * A real oidc-provider (the library the local platform's provider runs, platform/oidc/server.ts)
 * started in the test process with `OIDC_ROTATE_REFRESH_TOKEN=always`, so that each refresh
 * token is good for one use: a second redemption is a reuse, refused with `invalid_grant`, and
 * the provider revokes the whole grant (its replay detection). It counts the refresh requests
 * that reach its token endpoint from its own `grant.success` / `grant.error` events.
 *
 * Same client, users, login form and claims as the platform's provider.
 */
import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Provider from "oidc-provider";
import type { CodeFlowClient } from "@/platform/oidc/code-flow-client";
import { readOidcEnv, refreshTokenRotation } from "@/platform/oidc/config";
import { handleInteraction } from "@/platform/oidc/interactions";
import { loadOrCreateKeys } from "@/platform/oidc/keys";
import { findUser } from "@/platform/oidc/users";

export interface RotatingProvider {
  client: CodeFlowClient;
  /** Refresh-token requests the token endpoint answered: granted and refused. */
  refreshes: { granted: number; refused: number };
  close(): Promise<void>;
}

/**
 * Starts the provider on an ephemeral port of 127.0.0.1.
 *
 * @param clientSecret - the dashboard client's secret (the platform's `OIDC_CLIENT_SECRET`).
 */
export async function startRotatingProvider(clientSecret: string): Promise<RotatingProvider> {
  // Created once the port (and so the issuer URL) is known.
  const started: { provider?: Provider } = {};
  const server: Server = createServer((req, res) => {
    const current = started.provider;
    if (!current) return void res.writeHead(503).end();
    handleInteraction(current, req, res)
      .then((handled) => (handled ? undefined : current.callback()(req, res)))
      .catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const redirectUri = `${issuer}/test-callback`;
  const env = readOidcEnv({
    ...process.env,
    OIDC_ISSUER: issuer,
    OIDC_CLIENT_SECRET: clientSecret,
    OIDC_REDIRECT_URIS: redirectUri,
    OIDC_KEYS_FILE: join(mkdtempSync(join(tmpdir(), "pilothouse-oidc-")), "keys.json"),
    OIDC_ROTATE_REFRESH_TOKEN: "always",
  });
  const keys = loadOrCreateKeys(env.OIDC_KEYS_FILE);
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: env.OIDC_CLIENT_ID,
        client_secret: env.OIDC_CLIENT_SECRET,
        redirect_uris: [redirectUri],
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    jwks: { keys: [keys.jwk] },
    cookies: { keys: keys.cookieKeys },
    scopes: ["openid", "offline_access", "email", "profile", "groups"],
    claims: { email: ["email", "email_verified"], groups: ["groups"] },
    conformIdTokenClaims: false,
    findAccount(_ctx, sub) {
      const user = findUser(sub);
      if (!user) return undefined;
      return {
        accountId: user.email,
        claims: () => ({ sub: user.email, email: user.email, groups: user.groups }),
      };
    },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    ...refreshTokenRotation(env),
  });
  started.provider = provider;
  const refreshes = { granted: 0, refused: 0 };
  const isRefresh = (ctx: { oidc?: { params?: { grant_type?: unknown } } }) =>
    ctx.oidc?.params?.grant_type === "refresh_token";
  provider.on("grant.success", (ctx) => {
    if (isRefresh(ctx)) refreshes.granted += 1;
  });
  provider.on("grant.error", (ctx) => {
    if (isRefresh(ctx)) refreshes.refused += 1;
  });
  return {
    client: { issuer, clientId: env.OIDC_CLIENT_ID, clientSecret, redirectUri },
    refreshes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
