import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, securityHeaders, servedOverTls } from "./security-headers";

describe("securityHeaders", () => {
  it("sends a CSP with the nonce, no CDN, no framing, and the static headers", () => {
    const headers = securityHeaders({ nonce: "bm9uY2U=", dev: false, tls: false });
    const csp = headers["content-security-policy"] ?? "";
    expect(csp).toContain("script-src 'self' 'nonce-bm9uY2U=' 'strict-dynamic'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toMatch(/https?:|unsafe-eval/);
    expect(headers).toMatchObject({
      "x-content-type-options": "nosniff",
      "x-frame-options": "DENY",
      "referrer-policy": "strict-origin-when-cross-origin",
    });
    expect(headers["strict-transport-security"]).toBeUndefined();
  });

  it("adds HSTS only over TLS, and unsafe-eval only in development", () => {
    expect(
      securityHeaders({ nonce: "n", dev: false, tls: true })["strict-transport-security"],
    ).toMatch(/^max-age=31536000/);
    expect(contentSecurityPolicy("n", true)).toContain("'unsafe-eval'");
  });
});

describe("servedOverTls", () => {
  it("reads the scheme or the Ingress's X-Forwarded-Proto", () => {
    expect(servedOverTls(new URL("https://p.example/"), new Headers())).toBe(true);
    expect(
      servedOverTls(new URL("http://p.example/"), new Headers({ "x-forwarded-proto": "https" })),
    ).toBe(true);
    expect(servedOverTls(new URL("http://p.example/"), new Headers())).toBe(false);
  });
});
