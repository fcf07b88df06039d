import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";

/**
 * CSRF protection of cookie sessions, two checks that must both pass on every mutating request:
 *
 * 1. Fetch metadata and Origin: a browser marks a request made by another site
 *    (`Sec-Fetch-Site: cross-site` / `same-site`) and names its origin; either one pointing away
 *    from the dashboard's own origin refuses the request.
 * 2. Double submit of next-auth's CSRF token: the `X-CSRF-Token` header must carry the token of
 *    next-auth's CSRF cookie (`<token>|<sha256(token + secret)>`, HttpOnly, SameSite=Lax). The
 *    page gets the token from `/api/auth/csrf`, which another site cannot read; the hash binds
 *    the cookie to the server's secret, so a cookie planted by a sibling domain is useless.
 *
 * Requests with a bearer token carry no ambient credential and are exempt (see guard.ts).
 *
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html
 * @see https://w3c.github.io/webappsec-fetch-metadata/
 */

/** The request header that carries the token. */
export const CSRF_HEADER = "x-csrf-token";

export type CsrfCheck = { ok: true } | { ok: false; message: string };

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** One cookie's value from a `Cookie` header, URL-decoded; undefined when absent. */
export function cookieValue(header: string | null, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return undefined;
}

/**
 * Checks a cookie-session request for CSRF.
 *
 * @param request - the incoming request (headers `Sec-Fetch-Site`, `Origin`, `Cookie`,
 *   `X-CSRF-Token`).
 * @param options.publicOrigin - the dashboard's own origin, e.g. `http://localhost:3000`.
 * @param options.cookieName - next-auth's CSRF cookie name.
 * @param options.secret - next-auth's secret (the cookie's hash key).
 * @returns ok, or the reason in words for the 403.
 */
export function checkCsrf(
  request: Request,
  options: { publicOrigin: string; cookieName: string; secret: string },
): CsrfCheck {
  const site = request.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") {
    return {
      ok: false,
      message: `Refused a ${site} request: the dashboard only accepts changes from its own pages.`,
    };
  }
  const origin = request.headers.get("origin");
  if (origin !== null && origin !== options.publicOrigin) {
    return {
      ok: false,
      message: `Refused a request from origin ${origin}: the dashboard only accepts changes from ${options.publicOrigin}.`,
    };
  }
  const sent = request.headers.get(CSRF_HEADER);
  if (!sent) {
    return {
      ok: false,
      message: "Missing the X-CSRF-Token header (get the token from /api/auth/csrf).",
    };
  }
  const cookie = cookieValue(request.headers.get("cookie"), options.cookieName);
  const [token, hash] = (cookie ?? "").split("|");
  if (!token || !hash || !sameString(hash, sha256(`${token}${options.secret}`))) {
    return { ok: false, message: "Missing or invalid CSRF cookie: reload the page and try again." };
  }
  if (!sameString(sent, token)) {
    return {
      ok: false,
      message:
        "The X-CSRF-Token header does not match the CSRF cookie: reload the page and try again.",
    };
  }
  return { ok: true };
}
