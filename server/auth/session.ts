import "server-only";
import { getServerSession } from "next-auth";
import { decode } from "next-auth/jwt";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { identityFromClaims, type UserIdentity } from "./identity";
import { getAuthOptions } from "./options";
import { readSessionCookie } from "./session-cookie";
import { getConfig } from "../config";

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
 * When the current request's session access token expires, read from the same encrypted
 * session cookie `getUser` reads (as refreshed by the proxy for this request). Live streams
 * end at this moment so that a stream never outlives the token that authorized it.
 *
 * @returns epoch seconds, or `undefined` without a readable session or expiry.
 */
export async function getSessionAccessTokenExpiry(): Promise<number | undefined> {
  const value = readSessionCookie(await cookies());
  if (!value) return undefined;
  try {
    const token = await decode({ token: value, secret: getConfig().sessionSecret });
    return token?.accessTokenExpiresAt;
  } catch {
    return undefined;
  }
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
