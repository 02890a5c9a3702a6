// e2e: the real built app (`next build` + `next start`) against real redis-servers, in Debian's
// Chromium. Never downloads a browser. Run one spec against your own build output:
//   NEXT_DIST_DIR=.next-me npx playwright test e2e/home.spec.ts
// (E2E_SKIP_BUILD=1 reuses an existing build in NEXT_DIST_DIR; E2E_KEEP=1 keeps the work dir and log.)
import { defineConfig, devices } from "@playwright/test";
import { e2eEnv, storageStateFile } from "./e2e/support/env";

const launchOptions = {
  executablePath: "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
  ],
};

export default defineConfig({
  testDir: "./e2e",
  testMatch: "**/*.spec.ts",
  forbidOnly: !!process.env.CI,
  retries: 0,
  // Two cores: one browser at a time keeps timings honest.
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  globalSetup: "./e2e/global-setup.ts",
  globalTeardown: "./e2e/global-teardown.ts",
  use: {
    baseURL: `http://127.0.0.1:${e2eEnv.appPort}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    // Signs in through /login as admin, operator and viewer and saves each browser state.
    { name: "setup", testMatch: /auth\.setup\.ts/, use: { ...devices["Desktop Chrome"], launchOptions } },
    {
      name: "chromium",
      dependencies: ["setup"],
      use: {
        ...devices["Desktop Chrome"],
        // Specs start signed in as admin; others: test.use({ storageState: storageStateFile("viewer") }).
        storageState: storageStateFile("admin"),
        launchOptions,
      },
    },
  ],
});
