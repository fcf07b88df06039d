import "server-only";
import { bearerTokenOf, verifyBearerToken } from "../auth/bearer";
import { checkCsrf } from "../auth/csrf";
import type { UserIdentity } from "../auth/identity";
import { mutationLimiter } from "../auth/rate-limit";
import { getUser } from "../auth/session";
import { csrfCookieName, sessionCookieName, sessionCookieNames } from "../auth/session-cookie";
import { getConfig } from "../config";
import { moduleLogger } from "../log";
import { apiError, errorResponse } from "./errors";

const log = moduleLogger("api/guard");

/**
 * The one entry check of every REST route: who is calling, and whether a mutating request may
 * go on. Route handlers call it first and return `response` when `ok` is false.
 *
 * - `Authorization: Bearer <JWT>` (automation): an ID token or JWT access token of the
 *   dashboard's OpenID provider, validated against its JWKS (server/auth/bearer.ts); no cookie
 *   is read and CSRF does not apply (a bearer token is never sent by a browser on its own).
 * - otherwise the next-auth session cookie; its access token is kept fresh by the proxy, and an
 *   ended session answers 401 and clears the cookie. Mutating requests must pass the CSRF
 *   checks of server/auth/csrf.ts (403 `CsrfFailed`).
 * - mutating requests of either kind take a token from the user's bucket (server/auth/rate-limit.ts:
 *   in memory per replica); an empty bucket answers 429 with `Retry-After`.
 */
export type GuardResult =
  { ok: true; user: UserIdentity; via: "session" | "bearer" } | { ok: false; response: Response };

/** The `Set-Cookie` values that delete every session cookie the request carried. */
function clearSessionCookies(request: Request): string[] {
  const { publicUrl } = getConfig();
  const secure = publicUrl.startsWith("https://") ? "; Secure" : "";
  const header = request.headers.get("cookie") ?? "";
  const present = header
    .split(";")
    .map((part) => part.split("=")[0]?.trim() ?? "")
    .filter(Boolean)
    .map((name) => ({ name, value: "" }));
  return sessionCookieNames({ getAll: () => present }, sessionCookieName(publicUrl)).map(
    (name) => `${name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secure}`,
  );
}

function refuse(response: Response): GuardResult {
  return { ok: false, response };
}

/** 401 for a cookie request without a valid session; clears what is left of the session. */
function sessionRefused(request: Request): Response {
  const response = errorResponse(
    apiError(
      401,
      "Unauthorized",
      "Sign in to use the Pilothouse API: there is no session, or it has ended.",
    ),
  );
  for (const cookie of clearSessionCookies(request)) response.headers.append("set-cookie", cookie);
  return response;
}

/** 401 for a bad bearer token, with the RFC 6750 challenge. */
function bearerRefused(status: 401 | 503, message: string): Response {
  if (status === 503) return errorResponse(apiError(503, "InternalError", message));
  const response = errorResponse(apiError(401, "Unauthorized", message));
  const description = message.replace(/["\\]/g, "'");
  response.headers.set(
    "www-authenticate",
    `Bearer error="invalid_token", error_description="${description}"`,
  );
  return response;
}

/**
 * @param request - the incoming request (its headers carry the cookie, a bearer token, the CSRF
 *   header and the Origin).
 * @param options.mutating - true for POST/PUT/PATCH/DELETE: CSRF and rate limits apply.
 * @returns the caller, or the error response to send (401, 403 CSRF, 429, 503 when a bearer
 *   token cannot be checked because the OpenID provider is down).
 */
export async function guardRequest(
  request: Request,
  options: { mutating: boolean },
): Promise<GuardResult> {
  let user: UserIdentity;
  let via: "session" | "bearer";
  const bearer = bearerTokenOf(request);
  if (bearer !== undefined) {
    const verified = await verifyBearerToken(bearer);
    if (!verified.ok) return refuse(bearerRefused(verified.status, verified.message));
    user = verified.user;
    via = "bearer";
  } else if (request.headers.has("authorization")) {
    return refuse(bearerRefused(401, "Only `Authorization: Bearer <token>` is accepted."));
  } else {
    const session = await getUser();
    if (!session) return refuse(sessionRefused(request));
    user = session;
    via = "session";
    if (options.mutating) {
      const config = getConfig();
      const csrf = checkCsrf(request, {
        publicOrigin: new URL(config.publicUrl).origin,
        cookieName: csrfCookieName(config.publicUrl),
        secret: config.sessionSecret,
      });
      if (!csrf.ok) {
        log.warn({ user: user.username, reason: csrf.message }, "CSRF check failed");
        return refuse(errorResponse(apiError(403, "CsrfFailed", csrf.message)));
      }
    }
  }
  if (options.mutating) {
    const decision = mutationLimiter().take(user.username);
    if (!decision.allowed) {
      const response = errorResponse(
        apiError(
          429,
          "TooManyRequests",
          `Too many changes from ${user.username}: try again in ${decision.retryAfterSeconds} s.`,
        ),
      );
      response.headers.set("retry-after", String(decision.retryAfterSeconds));
      return refuse(response);
    }
  }
  return { ok: true, user, via };
}
