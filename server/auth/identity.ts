import "server-only";
import { z } from "zod";

/**
 * Who a request acts for: the Kubernetes user name and groups the dashboard impersonates, plus
 * the display name. Derived from the OpenID provider's claims; never from anything the browser
 * sends.
 */
export interface UserIdentity {
  /** Kubernetes user name: the `email` claim, lower-cased. */
  username: string;
  /** Kubernetes groups: the `groups` claim, in the provider's order, `system:` groups removed. */
  groups: string[];
  email: string;
  /** Display name (`name`, else `preferred_username`, else the email). */
  name: string;
}

/**
 * The claims Pilothouse reads from an ID token or userinfo response.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#StandardClaims
 */
export const IdentityClaimsSchema = z.object({
  email: z.email(),
  name: z.string().min(1).nullish(),
  preferred_username: z.string().min(1).nullish(),
  groups: z.array(z.string().min(1)).nullish(),
});
export type IdentityClaims = z.infer<typeof IdentityClaimsSchema>;

/**
 * Kubernetes reserves the `system:` prefix for its own users and groups (`system:masters` is
 * cluster-admin). An identity provider must never be able to hand those out through the
 * dashboard's impersonation rights, so they are dropped here whatever the provider says.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/authentication/#users-in-kubernetes
 */
const RESERVED_PREFIX = "system:";

/**
 * Builds the identity to impersonate from OpenID claims.
 *
 * @param claims - an ID token's or userinfo response's claims (untrusted shape).
 * @returns the identity, or `null` when the claims carry no usable email or name a reserved
 *   (`system:`) user.
 */
export function identityFromClaims(claims: unknown): UserIdentity | null {
  const parsed = IdentityClaimsSchema.safeParse(claims);
  if (!parsed.success) return null;
  const email = parsed.data.email.toLowerCase();
  if (email.startsWith(RESERVED_PREFIX)) return null;
  const groups = [...new Set(parsed.data.groups ?? [])].filter(
    (group) => !group.startsWith(RESERVED_PREFIX),
  );
  const name = parsed.data.name ?? parsed.data.preferred_username ?? email;
  return { username: email, groups, email, name };
}
