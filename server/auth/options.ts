import "server-only";
import type { AuthOptions } from "next-auth";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { getConfig, type DashboardConfig } from "../config";
import { moduleLogger } from "../log";
import { identityFromClaims } from "./identity";
import { SESSION_COOKIE_MAX_AGE_SECONDS } from "./session-cookie";
import { refreshSessionToken, SessionEndedError } from "./tokens";

const log = moduleLogger("auth");

/** next-auth provider id; the redirect URI registered at the provider is `/api/auth/callback/oidc`. */
export const OIDC_PROVIDER_ID = "oidc";

/** Sessions last one working day; the user signs in again afterwards. In seconds. */
const SESSION_MAX_AGE_SECONDS = SESSION_COOKIE_MAX_AGE_SECONDS;

/** The raw claims next-auth hands to `profile()` and to the `jwt` callback on sign-in. */
type OidcClaims = Record<string, unknown> & { sub: string };

/**
 * The payload of an ID token that openid-client has already verified.
 *
 * @throws Error when the token is missing or has no `sub`.
 */
function idTokenClaims(idToken: string | undefined): OidcClaims {
  const payload = idToken?.split(".")[1];
  if (!payload) throw new Error("the provider returned no ID token");
  const claims: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  if (typeof claims !== "object" || claims === null || !("sub" in claims)) {
    throw new Error("ID token without sub");
  }
  return { ...claims, sub: String(claims.sub) };
}

/**
 * The OpenID Connect provider: discovery through `wellKnown`, authorization code flow with PKCE
 * and state, ID token validated by openid-client. Claims come from the ID token; when the
 * provider keeps `email` or `groups` out of it (oidc-provider does so unless told otherwise),
 * they are read from the userinfo endpoint with the same access token, on the server.
 *
 * @see https://next-auth.js.org/configuration/providers/oauth#using-a-custom-provider
 * @see https://openid.net/specs/openid-connect-core-1_0.html#CodeFlowAuth
 */
function oidcProvider(config: DashboardConfig): OAuthConfig<OidcClaims> {
  return {
    id: OIDC_PROVIDER_ID,
    name: "Pilothouse ID",
    type: "oauth",
    wellKnown: `${config.oidc.issuer}/.well-known/openid-configuration`,
    clientId: config.oidc.clientId,
    clientSecret: config.oidc.clientSecret,
    // offline_access asks for a refresh token; OpenID Connect Core 11 lets a provider honour it
    // only with prompt=consent (oidc-provider drops it otherwise).
    authorization: {
      params: { scope: "openid email profile groups offline_access", prompt: "consent" },
    },
    checks: ["pkce", "state"],
    idToken: true,
    userinfo: {
      async request({ tokens, client }) {
        // openid-client has verified the ID token (signature, iss, aud, exp) before this runs.
        const claims = idTokenClaims(tokens.id_token);
        if (typeof claims.email === "string" && Array.isArray(claims.groups)) return claims;
        if (!tokens.access_token) return claims;
        const userinfo = await client.userinfo(tokens.access_token);
        // OpenID Connect Core 5.3.2: userinfo must describe the ID token's subject.
        if (userinfo.sub !== claims.sub) throw new Error("userinfo sub does not match ID token");
        return { ...claims, ...userinfo, sub: claims.sub };
      },
    },
    profile(profile) {
      const identity = identityFromClaims(profile);
      return { id: profile.sub, name: identity?.name ?? null, email: identity?.email ?? null };
    },
  };
}

/** Builds next-auth's options from the validated configuration. */
function buildAuthOptions(config: DashboardConfig): AuthOptions {
  return {
    secret: config.sessionSecret,
    providers: [oidcProvider(config)],
    // JWT strategy: the session is an encrypted (JWE), HttpOnly cookie; no database.
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    callbacks: {
      signIn({ profile }) {
        // A user without an email, or claiming a reserved `system:` name, cannot be impersonated.
        return identityFromClaims(profile) !== null;
      },
      async jwt({ token, profile, account }) {
        if (profile) {
          // Sign-in: the identity, and the OAuth tokens for refreshing (the cookie is encrypted
          // and HttpOnly; the session object handed to the browser never carries them).
          const identity = identityFromClaims(profile);
          return {
            sub: token.sub,
            email: identity?.email ?? null,
            name: identity?.name ?? null,
            groups: identity?.groups ?? [],
            accessToken: account?.access_token,
            refreshToken: account?.refresh_token,
            accessTokenExpiresAt: account?.expires_at,
            idToken: account?.id_token,
          };
        }
        const next = await refreshSessionToken(token);
        // Throwing makes next-auth clear the session cookies and answer "no session".
        if (next.sessionError) throw new SessionEndedError(next.sessionError);
        return next;
      },
      session({ session, token }) {
        const identity = identityFromClaims({ ...token, name: token.name ?? undefined });
        return {
          expires: session.expires,
          user: {
            name: identity?.name ?? "",
            email: identity?.email ?? "",
            groups: identity?.groups ?? [],
          },
        };
      },
    },
    events: {
      signIn({ user }) {
        log.info({ user: user.email }, "signed in");
      },
      signOut({ token }) {
        log.info({ user: token.email }, "signed out");
      },
    },
    logger: {
      error(code, metadata) {
        const err = metadata instanceof Error ? metadata : metadata.error;
        if (err instanceof SessionEndedError) {
          log.info({ reason: err.reason }, "session ended");
          return;
        }
        log.error({ code, err: metadata instanceof Error ? metadata : metadata.error }, code);
      },
      warn(code) {
        log.warn({ code }, code);
      },
      debug(code) {
        log.debug({ code }, code);
      },
    },
  };
}

let cached: AuthOptions | undefined;

/**
 * next-auth options for this process, built on first use (the environment is not there during
 * `next build`).
 *
 * @throws Error when the configuration is invalid (see `getConfig`).
 */
export function getAuthOptions(): AuthOptions {
  cached ??= buildAuthOptions(getConfig());
  return cached;
}
