import { z } from "zod";

/**
 * What a refresh of the session's access token produces, shared by the token endpoint client
 * (`tokens.ts`) and the cross-replica coordinator (`refresh-coordinator.ts`). No server-only
 * import: plain types and one error class.
 */

/** A refresh's outcome, with the expiry fixed when the answer arrived (it may be shared). */
export const RefreshedTokensSchema = z.object({
  accessToken: z.string().min(1),
  /** Absent when the provider does not rotate refresh tokens. */
  refreshToken: z.string().min(1).optional(),
  /** Epoch seconds. */
  expiresAt: z.number().int().positive(),
  /** The new ID token, when the provider issued one (OpenID Connect Core section 12.2). */
  idToken: z.string().min(1).optional(),
});
export type RefreshedTokens = z.infer<typeof RefreshedTokensSchema>;

/** A refresh that the provider refused (`invalid_grant`: revoked, expired or reused token). */
export class RefreshRefusedError extends Error {
  override readonly name = "RefreshRefusedError";
}
