import "server-only";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { identityFromClaims, type UserIdentity } from "./identity";
import { getAuthOptions } from "./options";

/**
 * The signed-in user of the current request, read from the encrypted session cookie.
 * Route handlers call this themselves and answer 401 on `null` (STYLE.md rule 2).
 *
 * @returns the identity to impersonate, or `null` without a valid session.
 * @see https://next-auth.js.org/configuration/nextjs#getserversession
 */
export async function getUser(): Promise<UserIdentity | null> {
  const session = await getServerSession(getAuthOptions());
  if (!session) return null;
  return identityFromClaims(session.user);
}

/**
 * For pages: the signed-in user, or a redirect to the sign-in page that comes back to
 * `returnTo` afterwards.
 *
 * @param returnTo - path (with query) to return to after sign-in.
 * @throws the Next.js redirect signal when nobody is signed in.
 */
export async function requireUser(returnTo: string): Promise<UserIdentity> {
  const user = await getUser();
  if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(returnTo)}`);
  return user;
}
