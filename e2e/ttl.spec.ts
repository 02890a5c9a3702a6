// The TTL page in a real browser: start a scan, watch its progress bar, find a planted no-TTL key.
// The spec plants its own keys (one no-TTL result key and 20k foreign filler keys so the gentle
// scan runs long enough to watch) and removes them. The fast scan mode is offered only to roles
// that may start one.
import { execFileSync } from "node:child_process";
import type { Page } from "@playwright/test";
import { expect, test, type RedisHandle } from "./fixtures";
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
    page,
    demo,
    api,
  }) => {
    // A gentle scan of 20k keys takes seconds on a quiet machine and a minute or more on a loaded one
    // (its budget shrinks the batches while other work holds the CPU).
    test.setTimeout(240_000);
    demo.cli("SET", NO_TTL_KEY, "planted by e2e");
    filler(demo, "MSET");
    // A scheduled scan may be running from before the key was planted: let it finish first.
    await expect
      .poll(
        async () =>
          (await api.get<{ scans: { status: string }[] }>("/api/instances/demo/scans?limit=1")).body.scans[0]
            ?.status,
        {
          timeout: 60_000,
        },
      )
      .not.toBe("running");

    await page.goto("/i/demo/ttl");
    await page.getByRole("button", { name: "Scan now" }).click();
    const bar = page.getByRole("progressbar", { name: "Scan progress" });
    await expect(bar).toBeVisible();
    await expect(page.getByTestId("scan-progress")).toContainText(/keys\/s/);
    await expect(bar).toBeHidden({ timeout: 180_000 });

    await expect(page.getByTestId("scan-age")).toContainText(/From the scan finished/);
    await page.getByRole("tab", { name: /no TTL/ }).click();
    await page.getByLabel("Filter by key text").fill("e2ee2ee2e0tt1");
    const row = page.getByTestId("scan-key-row").filter({ hasText: NO_TTL_KEY });
    await expect(row).toBeVisible();
    await expect(row).toContainText("result");
    await expect(row).toContainText("no TTL");
    await expect(row).toContainText("string");
    // The filler keys were counted as foreign.
    await expect(page.getByTestId("class-foreign")).toContainText(/2\d,\d{3}/);
  });
});

/** The demo TTL page once the caller's role is known (the user menu shows the name after /api/auth/me). */
async function ttlPageSignedIn(page: Page): Promise<void> {
  await page.goto("/i/demo/ttl");
  await expect(page.getByTestId("user-name")).toBeVisible();
  await expect(page.getByRole("button", { name: "Scan now" })).toBeVisible();
}

test.describe("scan mode as a viewer", () => {
  test.use({ storageState: storageStateFile("viewer") });

  test("offers no fast scan", async ({ page }) => {
    await ttlPageSignedIn(page);
    await expect(page.getByRole("option", { name: /fast/ })).toHaveCount(0);
    await expect(page.getByRole("combobox", { name: /Mode/ })).toHaveCount(0);
  });
});

test.describe("scan mode as an admin", () => {
  test("offers the fast scan", async ({ page }) => {
    await ttlPageSignedIn(page);
    const mode = page.getByRole("combobox", { name: /Mode/ });
    await expect(mode.getByRole("option", { name: "fast (maintenance window)" })).toHaveCount(1);
    await mode.selectOption("fast");
    await expect(mode).toHaveValue("fast");
  });
});
