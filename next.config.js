// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and Node-only modules stay out of the server bundle.
  serverExternalPackages: ["better-sqlite3", "ioredis", "pg"],
  // Parallel builds (e.g. several e2e runs) can each use their own output directory.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  reactStrictMode: true,
  typedRoutes: false,
};

module.exports = nextConfig;
