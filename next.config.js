// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  // A self-contained server (`<distDir>/standalone/server.js` with only the node_modules it
  // traces) for the container image: deploy/Dockerfile runs it with plain `node`.
  output: "standalone",
  // Trace from this directory, so server.js lands at the top of `standalone/` whatever lockfiles
  // sit in the directories above the checkout.
  outputFileTracingRoot: __dirname,
  // Native and Node-only modules stay out of the server bundle (the standalone trace copies them).
  serverExternalPackages: ["better-sqlite3", "ioredis", "pg"],
  // Parallel builds (e.g. several e2e runs) can each use their own output directory.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  reactStrictMode: true,
  typedRoutes: false,
};

module.exports = nextConfig;
