import { NextResponse, type NextRequest } from "next/server";
import { securityHeaders, servedOverTls } from "@/server/auth/security-headers";
import {
  readSessionCookie,
  refreshSessionCookie,
  SESSION_COOKIE_MAX_AGE_SECONDS,
  sessionCookieName,
  sessionCookieNames,
} from "@/server/auth/session-cookie";
import { getConfig } from "@/server/config";

/**
 * Next.js 16's proxy (formerly middleware; Node.js runtime): runs before every page and route.
 *
 * 1. Security headers on every response (CSP with a per-request nonce, no-sniff, frame denial,
 *    HSTS over TLS) — server/auth/security-headers.ts.
 * 2. Session token lifecycle: refreshes the session's access token shortly before it expires,
 *    once per refresh token however many requests race (server/auth/single-flight.ts), and
 *    writes the new cookie both to the request the page or route sees and to the browser
 *    (next-auth cannot set cookies from a Server Component). When the session has ended
 *    (refresh refused, or no refresh token at expiry), the cookies are cleared: an API call
 *    answers 401, a page goes to sign-in. This is a convenience layer: every route handler still
 *    checks the session itself (server/api/guard.ts).
 *
 * @see https://nextjs.org/docs/app/api-reference/file-conventions/proxy
 */
export async function proxy(request: NextRequest): Promise<NextResponse> {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const headers = securityHeaders({
    nonce,
    dev: process.env.NODE_ENV === "development",
    tls: servedOverTls(request.nextUrl, request.headers),
  });
  const { pathname } = request.nextUrl;
  const name = sessionCookieName(getConfig().publicUrl);
  const outcome = pathname.startsWith("/api/auth/")
    ? ({ kind: "none" } as const)
    : await refreshSessionCookie(readSessionCookie(request.cookies, name));

  let response: NextResponse;
  if (outcome.kind === "ended") {
    response = pathname.startsWith("/api/")
      ? NextResponse.json(
          {
            error: {
              code: "Unauthorized",
              message:
                "Your session has ended: the identity provider did not renew it. Sign in again.",
              causes: [],
            },
          },
          { status: 401, headers: { "cache-control": "no-store" } },
        )
      : NextResponse.redirect(signInUrl(request));
    for (const cookie of sessionCookieNames(request.cookies, name)) response.cookies.delete(cookie);
  } else {
    if (outcome.kind === "refreshed") {
      for (const cookie of sessionCookieNames(request.cookies, name))
        request.cookies.delete(cookie);
      request.cookies.set(name, outcome.value);
    }
    const forwarded = new Headers(request.headers);
    // Next.js takes the nonce for its own scripts from the request's CSP header.
    forwarded.set("content-security-policy", headers["content-security-policy"] ?? "");
    response = NextResponse.next({ request: { headers: forwarded } });
    if (outcome.kind === "refreshed") {
      response.cookies.set(name, outcome.value, {
        httpOnly: true,
        sameSite: "lax",
        path: "/",
        secure: name.startsWith("__Secure-"),
        maxAge: SESSION_COOKIE_MAX_AGE_SECONDS,
      });
    }
  }
  for (const [header, value] of Object.entries(headers)) response.headers.set(header, value);
  return response;
}

/** The sign-in page, coming back to the current page, saying why. */
function signInUrl(request: NextRequest): URL {
  const back = `${request.nextUrl.pathname}${request.nextUrl.search}`;
  const url = new URL("/sign-in", request.nextUrl);
  url.search = new URLSearchParams({ callbackUrl: back, error: "SessionExpired" }).toString();
  return url;
}

export const config = {
  // Everything but the build's static files (they get the static headers from next.config.js).
  matcher: ["/((?!_next/static|_next/image|favicon.ico|icon.svg).*)"],
};
