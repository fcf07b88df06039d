import "server-only";
import type { UserIdentity } from "../auth/identity";
import { getUser } from "../auth/session";
import { unauthorized } from "./errors";

/**
 * The one entry check of every REST route: who is calling, and whether a mutating request may
 * go on. Route handlers call it first and return `response` when `ok` is false.
 *
 * Today it reads the session cookie only; CSRF protection, bearer tokens validated against the
 * OpenID provider's JWKS and per-user rate limits of mutating routes are added here, so that no
 * handler has to change when they are.
 */
export type GuardResult =
  { ok: true; user: UserIdentity; via: "session" | "bearer" } | { ok: false; response: Response };

/**
 * @param request - the incoming request (its headers carry the cookie, a bearer token, the CSRF
 *   header and the Origin).
 * @param options.mutating - true for POST/PUT/PATCH/DELETE: CSRF and rate limits apply.
 * @returns the caller, or the error response to send (401, 403 CSRF, 429).
 */
export async function guardRequest(
  request: Request,
  options: { mutating: boolean },
): Promise<GuardResult> {
  void request;
  void options;
  const user = await getUser();
  if (!user) return { ok: false, response: unauthorized() };
  return { ok: true, user, via: "session" };
}
