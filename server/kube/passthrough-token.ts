import { z } from "zod";

/**
 * The expiry side of token passthrough (server/kube/passthrough.ts), with no Kubernetes client
 * imports so that the session code (server/auth/tokens.ts) can use it too.
 */

/**
 * A token this close to its `exp` (seconds) is treated as expired: it could expire on the way to
 * the apiserver, or on the apiserver's clock.
 */
export const EXPIRY_SKEW_SECONDS = 5;

/**
 * The user's ID token has expired (or will within {@link EXPIRY_SKEW_SECONDS}); thrown before the
 * request is built, so the token never leaves the dashboard. `toKubeError` turns it into a
 * `KubeApiError` 401 `Unauthorized` (through `statusCode`), which routes answer as 401.
 */
export class PassthroughTokenExpiredError extends Error {
  override readonly name = "PassthroughTokenExpiredError";
  /** The HTTP status: the session must refresh its tokens or the user sign in again. */
  readonly statusCode = 401;
  constructor(readonly expiresAt: number) {
    super(`the ID token expired at ${new Date(expiresAt * 1000).toISOString()}`);
  }
}

const JwtPayloadSchema = z.object({ exp: z.number().int().positive() });

/**
 * The `exp` claim of a compact JWS (the signature is not checked here: the apiserver verifies
 * it against the issuer's JWKS).
 *
 * @returns epoch seconds.
 * @throws Error when the token is not a JWT with a numeric `exp` claim.
 * @see https://datatracker.ietf.org/doc/html/rfc7519#section-4.1.4
 */
export function jwtExpiry(token: string): number {
  const payload = token.split(".")[1];
  if (!payload) throw new Error("the token is not a compact JWT");
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    throw new Error("the token's payload is not JSON");
  }
  const parsed = JwtPayloadSchema.safeParse(claims);
  if (!parsed.success) throw new Error("the token has no numeric exp claim");
  return parsed.data.exp;
}

/**
 * The token, if it may still be forwarded at `now`.
 *
 * @param now - epoch seconds.
 * @throws PassthroughTokenExpiredError when it expires within {@link EXPIRY_SKEW_SECONDS};
 *   Error when it is not a JWT with `exp`.
 */
export function usableToken(token: string, now: number): string {
  const exp = jwtExpiry(token);
  if (exp - now <= EXPIRY_SKEW_SECONDS) throw new PassthroughTokenExpiredError(exp);
  return token;
}

/** The session carries no ID token (signed in before passthrough, or an IdP that sent none). */
export class PassthroughTokenMissingError extends Error {
  override readonly name = "PassthroughTokenMissingError";
  /** The HTTP status: the user must sign in again to get an ID token. */
  readonly statusCode = 401;
  constructor() {
    super("the session has no ID token to pass through: sign in again");
  }
}
