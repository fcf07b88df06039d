import "server-only";

/**
 * The security headers of every dashboard response, set by proxy.ts (next.config.js adds the
 * static ones to the build's assets as well).
 *
 * CSP: everything from the dashboard's own origin, no CDN. Scripts need a per-request nonce
 * (Next.js reads it from the request's CSP header and puts it on its inline bootstrap scripts)
 * with `'strict-dynamic'` so the chunks those scripts load are trusted too; styles allow inline
 * because PatternFly and React set `style` attributes; workers from `blob:` for the bundled
 * Monaco editor; `frame-ancestors 'none'` forbids framing. `'unsafe-eval'` only in
 * `next dev` (React's dev tooling needs it).
 *
 * @see https://nextjs.org/docs/app/guides/content-security-policy
 * @see https://cheatsheetseries.owasp.org/cheatsheets/HTTP_Headers_Cheat_Sheet.html
 */

/** HSTS lifetime: one year, in seconds. */
const HSTS_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

/**
 * The Content-Security-Policy for one response.
 *
 * @param nonce - base64 random value, fresh per request.
 * @param dev - true under `next dev`.
 */
export function contentSecurityPolicy(nonce: string, dev: boolean): string {
  const directives: Record<string, string[]> = {
    "default-src": ["'self'"],
    "script-src": [
      "'self'",
      `'nonce-${nonce}'`,
      "'strict-dynamic'",
      ...(dev ? ["'unsafe-eval'"] : []),
    ],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "worker-src": ["'self'", "blob:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(" ")}`)
    .join("; ");
}

/** Headers that do not depend on the request. */
export const STATIC_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "strict-origin-when-cross-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
  "cross-origin-opener-policy": "same-origin",
};

/**
 * Whether the browser reached the dashboard over TLS: the URL's scheme, or the
 * `X-Forwarded-Proto` of the Ingress that terminated TLS in front of it. (HSTS sent over plain
 * HTTP is ignored by browsers, so trusting the header cannot weaken anything.)
 */
export function servedOverTls(url: URL, headers: Headers): boolean {
  const forwarded = headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  return url.protocol === "https:" || forwarded === "https";
}

/**
 * Every security header for one response.
 *
 * @param options.tls - see {@link servedOverTls}: adds `Strict-Transport-Security`.
 */
export function securityHeaders(options: {
  nonce: string;
  dev: boolean;
  tls: boolean;
}): Record<string, string> {
  return {
    ...STATIC_SECURITY_HEADERS,
    "content-security-policy": contentSecurityPolicy(options.nonce, options.dev),
    ...(options.tls
      ? { "strict-transport-security": `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains` }
      : {}),
  };
}
