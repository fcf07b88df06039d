/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The Kubernetes client and pino are server-only Node libraries; keep them out of the bundle.
  serverExternalPackages: ["@kubernetes/client-node", "pino"],
};

export default nextConfig;
