import "server-only";
import { decode } from "next-auth/jwt";
import { cookies } from "next/headers";
import { readSessionCookie } from "../auth/session-cookie";
import { getConfig } from "../config";
import { PassthroughTokenMissingError } from "./passthrough-token";

/**
 * The current request's ID token, read from the encrypted session cookie. The proxy (proxy.ts)
 * has already refreshed the tokens when they were about to expire and put the new cookie into
 * the request, so this is the freshest token the session has.
 *
 * Call it within a request (route handler, Server Component): it reads `cookies()`.
 *
 * @throws PassthroughTokenMissingError (`statusCode` 401) when the session has no ID token.
 */
export async function sessionIdToken(): Promise<string> {
  const value = readSessionCookie(await cookies());
  const token = value
    ? await decode({ token: value, secret: getConfig().sessionSecret }).catch(() => null)
    : null;
  if (!token?.idToken || token.sessionError) throw new PassthroughTokenMissingError();
  return token.idToken;
}
