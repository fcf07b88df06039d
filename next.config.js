/**
 * Headers of every response that does not pass through proxy.ts (the build's static assets);
 * proxy.ts sets these and the per-request CSP on everything else. Keep the values in step with
 * server/auth/security-headers.ts.
 */
const staticSecurityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The Kubernetes client and pino are server-only Node libraries; keep them out of the bundle.
  serverExternalPackages: ["@kubernetes/client-node", "pino"],
  async headers() {
    return [{ source: "/:path*", headers: staticSecurityHeaders }];
  },
};

export default nextConfig;
