import "server-only";
import { hkdfSync } from "node:crypto";
import { EncryptJWT, jwtDecrypt } from "jose";
import { RefreshedTokensSchema, type RefreshedTokens } from "./refresh-result";

/**
 * The new token set one replica hands to the others through the apiserver (the Lease of the
 * refresh, see `refresh-coordinator.ts`), never readable there in clear text: a JWE (`dir`,
 * `A256GCM`) whose key is derived with HKDF-SHA256 from the session secret every replica shares
 * (`NEXTAUTH_SECRET`) **and** the refresh token being redeemed. Reading it therefore takes both
 * the dashboard's secret and the old refresh token (which only the session's cookie carries); a
 * handoff cannot be replayed for another session, and it expires on its own (`exp`).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7516 (JWE), https://www.rfc-editor.org/rfc/rfc5869 (HKDF)
 */

const INFO = "pilothouse token refresh handoff v1";

/** The 256-bit content key for one refresh token's handoff. */
function handoffKey(sessionSecret: string, refreshToken: string): Uint8Array {
  return new Uint8Array(hkdfSync("sha256", sessionSecret, refreshToken, INFO, 32));
}

/**
 * Encrypts `tokens` for the replicas that redeem the same `refreshToken`.
 *
 * @param ttlSeconds - lifetime of the handoff (its `exp` claim), in seconds.
 * @returns a compact JWE.
 */
export async function sealHandoff(
  tokens: RefreshedTokens,
  refreshToken: string,
  sessionSecret: string,
  ttlSeconds: number,
): Promise<string> {
  return new EncryptJWT({ tokens })
    .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
    .setIssuedAt()
    .setExpirationTime(`${Math.max(1, Math.ceil(ttlSeconds))}s`)
    .encrypt(handoffKey(sessionSecret, refreshToken));
}

/**
 * Decrypts a handoff written by {@link sealHandoff}.
 *
 * @param clockToleranceSeconds - clock skew allowed between the replicas when checking `exp`.
 * @throws Error (from jose) when it was sealed for another refresh token or secret, was altered,
 *   or has expired; ZodError when its content is not a token set.
 */
export async function openHandoff(
  handoff: string,
  refreshToken: string,
  sessionSecret: string,
  clockToleranceSeconds = 5,
): Promise<RefreshedTokens> {
  const { payload } = await jwtDecrypt(handoff, handoffKey(sessionSecret, refreshToken), {
    keyManagementAlgorithms: ["dir"],
    contentEncryptionAlgorithms: ["A256GCM"],
    clockTolerance: clockToleranceSeconds,
  });
  return RefreshedTokensSchema.parse(payload.tokens);
}
