import "server-only";
import { decode, encode, type JWT } from "next-auth/jwt";
import { getConfig } from "../config";
import { refreshSessionToken, type SessionEndReason } from "./tokens";

/**
 * next-auth's cookies, read and written outside next-auth: by the proxy, which refreshes the
 * access token before a page or route runs and writes the new session cookie back (next-auth's
 * `getServerSession` cannot set cookies from a Server Component), and by the guard, which clears
 * them when a session has ended.
 *
 * @see https://next-auth.js.org/configuration/options#cookies
 */

/** next-auth uses `__Secure-`/`__Host-` prefixed cookies when its URL is https. */
const isSecure = (publicUrl: string) => publicUrl.startsWith("https://");

/** The session cookie's name (next-auth v4 default). */
export function sessionCookieName(publicUrl = getConfig().publicUrl): string {
  return `${isSecure(publicUrl) ? "__Secure-" : ""}next-auth.session-token`;
}

/** The CSRF cookie's name (next-auth v4 default): `<token>|<sha256(token + secret)>`. */
export function csrfCookieName(publicUrl = getConfig().publicUrl): string {
  return `${isSecure(publicUrl) ? "__Host-" : ""}next-auth.csrf-token`;
}

/** The cookie reader both `NextRequest.cookies` and `cookies()` offer. */
export interface CookieReader {
  getAll(): { name: string; value: string }[];
}

/**
 * The session cookie's value, joined from its chunks (`name.0`, `name.1`, …) when next-auth split
 * it.
 */
export function readSessionCookie(cookies: CookieReader, name = sessionCookieName()): string {
  const all = cookies.getAll();
  const whole = all.find((c) => c.name === name);
  if (whole) return whole.value;
  return all
    .filter((c) => c.name.startsWith(`${name}.`))
    .sort((a, b) => Number(a.name.slice(name.length + 1)) - Number(b.name.slice(name.length + 1)))
    .map((c) => c.value)
    .join("");
}

/** The names of every session cookie chunk present, to clear them all. */
export function sessionCookieNames(cookies: CookieReader, name = sessionCookieName()): string[] {
  return cookies
    .getAll()
    .map((c) => c.name)
    .filter((n) => n === name || n.startsWith(`${name}.`));
}

/** Session lifetime next-auth gives the cookie, in seconds (see options.ts). */
export const SESSION_COOKIE_MAX_AGE_SECONDS = 8 * 60 * 60;

export type SessionCookieOutcome =
  /** No session cookie, or one next-auth will refuse anyway (it answers "no session"). */
  | { kind: "none" }
  | { kind: "unchanged" }
  /** The access token was refreshed: `value` is the new encrypted cookie. */
  | { kind: "refreshed"; value: string }
  | { kind: "ended"; reason: SessionEndReason };

/**
 * Decrypts the session cookie, refreshes its access token when it is about to expire (see
 * `refreshSessionToken`: one refresh per refresh token however many requests race), and
 * re-encrypts it.
 *
 * @param cookieValue - the session cookie (chunks joined), or "" when absent.
 */
export async function refreshSessionCookie(cookieValue: string): Promise<SessionCookieOutcome> {
  if (!cookieValue) return { kind: "none" };
  const secret = getConfig().sessionSecret;
  let token: JWT | null;
  try {
    token = await decode({ token: cookieValue, secret });
  } catch {
    return { kind: "none" };
  }
  if (!token) return { kind: "none" };
  const next = await refreshSessionToken(token);
  if (next.sessionError) return { kind: "ended", reason: next.sessionError };
  if (next === token) return { kind: "unchanged" };
  const value = await encode({ token: next, secret, maxAge: SESSION_COOKIE_MAX_AGE_SECONDS });
  return { kind: "refreshed", value };
}
