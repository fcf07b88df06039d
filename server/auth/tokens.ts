import "server-only";
import type { JWT } from "next-auth/jwt";
import { z } from "zod";
import { getConfig } from "../config";
import { jwtExpiry } from "../kube/passthrough-token";
import { moduleLogger } from "../log";
import { providerMetadata } from "./discovery";
import { refreshAcrossReplicas } from "./refresh-replicas";
import { RefreshRefusedError, type RefreshedTokens } from "./refresh-result";
import { refreshOnce } from "./single-flight";

export { RefreshRefusedError, type RefreshedTokens };

const log = moduleLogger("auth/tokens");

/**
 * The OAuth side of a session: kept in next-auth's encrypted (JWE), HttpOnly session cookie
 * only, never in the session object the browser reads. The access token is refreshed with the
 * refresh token shortly before it expires; when that is impossible the session ends.
 */

/** Refresh this long before the access token expires, in seconds (clock skew, request time). */
export const REFRESH_SKEW_SECONDS = 10;

/** Why a session has ended; set on the JWT, after which the session is never valid again. */
export type SessionEndReason = "RefreshFailed" | "NoRefreshToken" | "NoAccessToken";

/** Thrown from next-auth's jwt callback for an ended session: next-auth then clears its cookies. */
export class SessionEndedError extends Error {
  override readonly name = "SessionEndedError";
  constructor(readonly reason: SessionEndReason) {
    super(`the session has ended: ${reason}`);
  }
}

/** The token endpoint's answer to a refresh (RFC 6749 section 5.1). */
export const TokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().int().positive(),
  refresh_token: z.string().min(1).optional(),
  id_token: z.string().optional(),
});
export type TokenResponse = z.infer<typeof TokenResponseSchema>;

/**
 * Calls the provider's token endpoint with `grant_type=refresh_token`, authenticating the
 * client with HTTP Basic (`client_secret_basic`).
 *
 * @returns the new tokens, their expiry computed from `expires_in` on arrival.
 * @throws RefreshRefusedError on a 400/401 answer (the refresh token is no longer good);
 *   Error when the provider cannot be reached or answers something else.
 * @see https://datatracker.ietf.org/doc/html/rfc6749#section-6
 */
export async function requestRefresh(refreshToken: string): Promise<RefreshedTokens> {
  const { oidc } = getConfig();
  const { token_endpoint } = await providerMetadata(oidc.issuer);
  // RFC 6749 section 2.3.1: id and secret are form-urlencoded before Basic encoding.
  const basic = Buffer.from(
    `${encodeURIComponent(oidc.clientId)}:${encodeURIComponent(oidc.clientSecret)}`,
  ).toString("base64");
  const response = await fetch(token_endpoint, {
    method: "POST",
    headers: {
      authorization: `Basic ${basic}`,
      "content-type": "application/x-www-form-urlencoded",
      accept: "application/json",
    },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken }),
    signal: AbortSignal.timeout(10_000),
  });
  const body: unknown = await response.json().catch(() => undefined);
  if (response.status === 400 || response.status === 401) {
    const error = z.object({ error: z.string() }).safeParse(body);
    throw new RefreshRefusedError(
      `the provider refused the refresh: ${error.success ? error.data.error : response.status}`,
    );
  }
  if (!response.ok) throw new Error(`the token endpoint answered ${response.status}`);
  const tokens = TokenResponseSchema.parse(body);
  return {
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    expiresAt: Math.floor(Date.now() / 1000) + tokens.expires_in,
    idToken: tokens.id_token,
  };
}

/** What {@link refreshSessionToken} needs from outside (tests pass their own). */
export interface RefreshDeps {
  /** Epoch seconds. */
  now: () => number;
  refresh: (refreshToken: string) => Promise<RefreshedTokens>;
}

const defaultDeps: RefreshDeps = {
  now: () => Math.floor(Date.now() / 1000),
  // Once per refresh token in this process, then once across the replicas (a Lease).
  refresh: (refreshToken) =>
    refreshOnce(refreshToken, () => refreshAcrossReplicas(refreshToken, requestRefresh)),
};

/** Epoch seconds at which the session's ID token expires; `Infinity` without a usable one. */
function idTokenExpiry(idToken: string | undefined): number {
  if (!idToken) return Number.POSITIVE_INFINITY;
  try {
    return jwtExpiry(idToken);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** The session JWT without any OAuth token, ended for `reason`. */
function ended(token: JWT, reason: SessionEndReason): JWT {
  const rest: JWT = { ...token, sessionError: reason };
  delete rest.accessToken;
  delete rest.refreshToken;
  delete rest.accessTokenExpiresAt;
  delete rest.idToken;
  return rest;
}

/**
 * Whether the session behind `token` may still be used: it carries an access token that has not
 * expired and no end reason.
 *
 * @param now - epoch seconds.
 */
export function sessionIsValid(token: JWT | null, now: number): boolean {
  return (
    !!token &&
    !token.sessionError &&
    !!token.accessToken &&
    typeof token.accessTokenExpiresAt === "number" &&
    token.accessTokenExpiresAt > now
  );
}

/**
 * The session JWT with a usable access token: unchanged while the token is good for more than
 * {@link REFRESH_SKEW_SECONDS}, refreshed (once per refresh token in this process however many
 * requests race, see `single-flight.ts`, and once across the dashboard replicas, see
 * `refresh-coordinator.ts`) when it is about to expire, or ended when it cannot be:
 * no refresh token (a provider that issues none: the user signs in again), or the provider
 * refused the refresh. A stale access token is never kept: an ended session carries none.
 *
 * A provider that is unreachable while the access token is still valid leaves the token as it
 * is (the next request tries again); once it has expired the session ends.
 */
export async function refreshSessionToken(
  token: JWT,
  deps: RefreshDeps = defaultDeps,
): Promise<JWT> {
  if (token.sessionError) return token;
  if (!token.accessToken || typeof token.accessTokenExpiresAt !== "number") {
    return ended(token, "NoAccessToken");
  }
  const now = deps.now();
  // An ID token (passed through to the apiserver in passthrough mode) may expire first.
  const dueAt = Math.min(token.accessTokenExpiresAt, idTokenExpiry(token.idToken));
  if (dueAt - now > REFRESH_SKEW_SECONDS) return token;
  if (!token.refreshToken) {
    if (token.accessTokenExpiresAt > now) return token;
    log.info({ user: token.email }, "access token expired and no refresh token: session ended");
    return ended(token, "NoRefreshToken");
  }
  try {
    const fresh = await deps.refresh(token.refreshToken);
    const next: JWT = {
      ...token,
      accessToken: fresh.accessToken,
      // A provider that does not rotate refresh tokens answers without one: keep the current one.
      refreshToken: fresh.refreshToken ?? token.refreshToken,
      accessTokenExpiresAt: fresh.expiresAt,
      // The ID token is only passed through to the apiserver (passthrough mode): an old one
      // must not outlive a refresh that brought none; passthrough then answers 401 (sign in).
      idToken: fresh.idToken,
    };
    if (!next.idToken) delete next.idToken;
    return next;
  } catch (err) {
    if (!(err instanceof RefreshRefusedError) && token.accessTokenExpiresAt > now) {
      log.warn({ err, user: token.email }, "refresh failed; the access token is still valid");
      return token;
    }
    log.info({ err, user: token.email }, "refresh failed: session ended");
    return ended(token, "RefreshFailed");
  }
}
