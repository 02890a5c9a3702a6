// The TTL page in a real browser: start a scan, watch its progress bar, find a planted no-TTL key.
// The spec plants its own keys (one no-TTL result key and 20k foreign filler keys so the gentle
// scan runs long enough to watch) and removes them. The fast scan mode is offered only to roles
// that may start one.
import { execFileSync } from "node:child_process";
import { expect, scanSettled, test, type RedisHandle } from "./fixtures";
import type { UserMenu } from "./pages/sign-in";
import type { TtlPage } from "./pages/ttl";
import { storageStateFile } from "./support/env";

const NO_TTL_KEY = "isl:result:e2ee2ee2e0tt1000";
const FILLER = 20_000;
const CHUNK = 1000;

/** MSET / DEL the filler keys in chunks through redis-cli --pipe (one process, seconds not minutes). */
function filler(redis: RedisHandle, command: "MSET" | "DEL"): void {
  let input = "";
  for (let start = 0; start < FILLER; start += CHUNK) {
    const keys = Array.from({ length: CHUNK }, (_, i) => `e2e:ttl:${start + i}`);
    input += `${command} ${keys.map((k) => (command === "MSET" ? `${k} v` : k)).join(" ")}\r\n`;
  }
  execFileSync("redis-cli", ["-h", "127.0.0.1", "-p", String(redis.port), "--pipe"], {
    input,
    stdio: ["pipe", "ignore", "inherit"],
  });
}

test.describe("TTL page", () => {
  test.afterEach(({ demo }) => {
    demo.cli("DEL", NO_TTL_KEY);
    filler(demo, "DEL");
  });

  test("starts a scan, shows its progress bar, then lists a planted no-TTL key", async ({
    ttlPage,
    demo,
    api,
  }) => {
    // A gentle scan of 20k keys takes seconds on a quiet machine and a minute or more on a loaded one
    // (its budget shrinks the batches while other work holds the CPU).
    test.setTimeout(240_000);
    demo.cli("SET", NO_TTL_KEY, "planted by e2e");
    filler(demo, "MSET");
    // A scheduled scan may be running from before the key was planted: let it finish first.
    await scanSettled(api, "demo");

    await ttlPage.goto("demo");
    await ttlPage.scanButton.click();
    await expect(ttlPage.progressBar).toBeVisible();
    await expect(ttlPage.progress).toContainText(/keys\/s/);
    await expect(ttlPage.progressBar).toBeHidden({ timeout: 180_000 });

    await expect(ttlPage.scanAge).toContainText(/From the scan finished/);
    const row = await ttlPage.findRow(/no TTL/, NO_TTL_KEY, "e2ee2ee2e0tt1");
    await expect(row).toContainText("result");
    await expect(row).toContainText("no TTL");
    await expect(row).toContainText("string");
    // The filler keys were counted as foreign.
    await expect(ttlPage.classTile("foreign")).toContainText(/2\d,\d{3}/);
  });
});

/** The demo TTL page once the caller's role is known (the user menu shows the name after /api/auth/me). */
async function ttlPageSignedIn(ttlPage: TtlPage, userMenu: UserMenu): Promise<void> {
  await ttlPage.goto("demo");
  await expect(userMenu.name).toBeVisible();
  await expect(ttlPage.scanButton).toBeVisible();
}

test.describe("scan mode as a viewer", () => {
  test.use({ storageState: storageStateFile("viewer") });

  test("offers no fast scan", async ({ page, ttlPage, userMenu }) => {
    await ttlPageSignedIn(ttlPage, userMenu);
    await expect(page.getByRole("option", { name: /fast/ })).toHaveCount(0);
    await expect(ttlPage.mode).toHaveCount(0);
  });
});

test.describe("scan mode as an admin", () => {
  test("offers the fast scan", async ({ ttlPage, userMenu }) => {
    await ttlPageSignedIn(ttlPage, userMenu);
    const mode = ttlPage.mode;
    await expect(mode.getByRole("option", { name: "fast (maintenance window)" })).toHaveCount(1);
    await mode.selectOption("fast");
    await expect(mode).toHaveValue("fast");
  });
});
