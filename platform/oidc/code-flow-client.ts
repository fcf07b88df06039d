/**
 * A scripted OpenID Connect client of the local provider for tests and automation: signs a demo
 * user in with the authorization code flow (PKCE, state) by filling the provider's own login
 * form over HTTP, and exchanges the code at the token endpoint — the same requests a browser and
 * the dashboard make, with no shortcut into the provider. Also refreshes and revokes tokens.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#CodeFlowAuth
 */
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";

export interface CodeFlowClient {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** A redirect URI registered for the client; it is never called, the code is read from it. */
  redirectUri: string;
}

export const TokenSetSchema = z.object({
  access_token: z.string(),
  id_token: z.string().optional(),
  refresh_token: z.string().optional(),
  expires_in: z.number(),
  token_type: z.string(),
  scope: z.string().optional(),
});
export type TokenSet = z.infer<typeof TokenSetSchema>;

const b64url = (buf: Buffer) => buf.toString("base64url");

function basicAuth(client: CodeFlowClient): string {
  const id = encodeURIComponent(client.clientId);
  const secret = encodeURIComponent(client.clientSecret);
  return `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
}

/** A cookie jar for one origin (the provider's cookies are all for it). */
class Jar {
  private readonly cookies = new Map<string, string>();
  take(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

/**
 * Signs `login` in and returns the provider's tokens (with a refresh token: the flow asks for
 * `offline_access` with `prompt=consent`, which the provider grants automatically).
 *
 * @throws Error when the login is refused or the flow ends anywhere but the redirect URI.
 */
export async function signInWithCodeFlow(
  client: CodeFlowClient,
  login: { email: string; password: string },
): Promise<TokenSet> {
  const verifier = b64url(randomBytes(32));
  const state = b64url(randomBytes(16));
  const auth = new URL(`${client.issuer}/auth`);
  auth.search = new URLSearchParams({
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    response_type: "code",
    scope: "openid email profile groups offline_access",
    prompt: "consent",
    state,
    nonce: b64url(randomBytes(16)),
    code_challenge: b64url(createHash("sha256").update(verifier).digest()),
    code_challenge_method: "S256",
  }).toString();
  const jar = new Jar();
  let url = auth.toString();
  let init: RequestInit = {};
  for (let hop = 0; hop < 20; hop++) {
    const response = await fetch(url, {
      ...init,
      redirect: "manual",
      headers: { ...(init.headers as Record<string, string>), cookie: jar.header() },
    });
    jar.take(response);
    const location = response.headers.get("location");
    if (location) {
      const next = new URL(location, url);
      if (next.toString().startsWith(client.redirectUri)) {
        if (next.searchParams.get("state") !== state) throw new Error("state mismatch");
        const code = next.searchParams.get("code");
        if (!code)
          throw new Error(`no code: ${next.searchParams.get("error_description") ?? location}`);
        return exchange(client, {
          grant_type: "authorization_code",
          code,
          redirect_uri: client.redirectUri,
          code_verifier: verifier,
        });
      }
      url = next.toString();
      init = {};
      continue;
    }
    const body = await response.text();
    const form = /<form method="post" action="([^"]+)"/.exec(body);
    if (response.status === 200 && form?.[1] && init.method !== "POST") {
      url = new URL(form[1].replace(/&#47;/g, "/"), url).toString();
      init = {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ login: login.email, password: login.password }).toString(),
      };
      continue;
    }
    throw new Error(
      `sign-in of ${login.email} stopped at ${url}: ${response.status} ${body.slice(0, 200)}`,
    );
  }
  throw new Error("too many redirects");
}

async function exchange(client: CodeFlowClient, params: Record<string, string>): Promise<TokenSet> {
  const response = await fetch(`${client.issuer}/token`, {
    method: "POST",
    headers: {
      authorization: basicAuth(client),
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams(params).toString(),
  });
  const body: unknown = await response.json();
  if (!response.ok)
    throw new Error(`token endpoint answered ${response.status}: ${JSON.stringify(body)}`);
  return TokenSetSchema.parse(body);
}

/** Refreshes tokens with a refresh token. @throws Error when the provider refuses. */
export function refreshTokens(client: CodeFlowClient, refreshToken: string): Promise<TokenSet> {
  return exchange(client, { grant_type: "refresh_token", refresh_token: refreshToken });
}

/**
 * Revokes a refresh token at the provider (RFC 7009); it can no longer be used.
 *
 * @throws Error when the provider answers non-2xx.
 */
export async function revokeRefreshToken(
  client: CodeFlowClient,
  refreshToken: string,
): Promise<void> {
  const response = await fetch(`${client.issuer}/token/revocation`, {
    method: "POST",
    headers: {
      authorization: basicAuth(client),
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ token: refreshToken, token_type_hint: "refresh_token" }).toString(),
  });
  if (!response.ok)
    throw new Error(`revocation answered ${response.status}: ${await response.text()}`);
}

/** The client of the platform whose env file is loaded (`source "$(./pilothouse env)"`). */
export function clientFromEnv(env: NodeJS.ProcessEnv = process.env): CodeFlowClient {
  const get = (name: string) => {
    const value = env[name];
    if (!value) throw new Error(`${name} is not set: source the platform's env file`);
    return value;
  };
  return {
    issuer: get("OIDC_ISSUER"),
    clientId: get("OIDC_CLIENT_ID"),
    clientSecret: get("OIDC_CLIENT_SECRET"),
    redirectUri: `${get("NEXTAUTH_URL")}/api/auth/callback/oidc`,
  };
}
