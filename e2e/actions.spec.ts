// Guarded actions in a real browser, on the "chaos" instance (never "demo", which other specs read):
// an operator fixes a planted no-TTL key from the TTL page and finds the audit entry; a viewer sees
// no action buttons; an admin's FLUSHDB dialog refuses a mistyped instance id.
import { expect, test, type Api } from "./fixtures";
import { storageStateFile } from "./support/env";

const KEY = "isl:result:e2e6b0000000f1c5";
const KEY_ID = Buffer.from(KEY).toString("base64url");

/** A finished scan of chaos that saw the planted key (a scheduled scan may be running first). */
async function scanChaos(api: Api): Promise<void> {
  await expect
    .poll(async () => (await api.get<{ scans: { status: string }[] }>("/api/instances/chaos/scans?limit=1")).body.scans[0]?.status, {
      timeout: 60_000,
    })
    .not.toBe("running");
  const started = await api.post<{ id: string }>("/api/instances/chaos/scans", { mode: "fast" });
  expect(started.status).toBe(202);
  await expect
    .poll(async () => (await api.get<{ status: string }>(`/api/scans/${started.body.id}?lists=0`)).body.status, { timeout: 60_000 })
    .toBe("done");
}

test.describe("as an operator", () => {
  test.use({ storageState: storageStateFile("operator") });
  test.afterEach(({ chaos }) => {
    chaos.cli("DEL", KEY);
  });

  test("fixes a planted no-TTL key from the TTL page and sees the audit entry", async ({ page, chaos, api }) => {
    chaos.cli("SET", KEY, "planted by e2e");
    await scanChaos(api);

    await page.goto("/i/chaos/ttl");
    await page.getByRole("tab", { name: /no TTL/ }).click();
    await page.getByLabel("Filter by key text").fill("e2e6b0000000f1c5");
    const row = page.getByTestId("scan-key-row").filter({ hasText: KEY });
    await expect(row).toBeVisible();
    await expect(page.getByRole("button", { name: /^Fix all/ })).toBeVisible();
    await row.getByRole("button", { name: "Fix" }).click();
    await expect(row.getByText("fixed")).toBeVisible();

    const ttl = Number(chaos.cli("TTL", KEY).trim());
    expect(ttl).toBeGreaterThan(7000);
    expect(ttl).toBeLessThanOrEqual(7200);

    await page.goto("/audit");
    const outcome = page
      .getByTestId("audit-row")
      .filter({ hasText: KEY })
      .filter({ hasText: "e2e-operator" })
      .filter({ hasText: "fix-ttl" })
      .filter({ has: page.getByText("ok", { exact: true }) });
    await expect(outcome.first()).toBeVisible();
  });
});

test.describe("as a viewer", () => {
  test.use({ storageState: storageStateFile("viewer") });
  test.afterEach(({ chaos }) => {
    chaos.cli("DEL", KEY);
  });

  test("sees no action buttons on the TTL page, the key detail or the ops page", async ({ page, chaos, api }) => {
    chaos.cli("SET", KEY, "planted by e2e");
    await scanChaos(api);

    await page.goto("/i/chaos/ttl");
    await page.getByRole("tab", { name: /no TTL/ }).click();
    await page.getByLabel("Filter by key text").fill("e2e6b0000000f1c5");
    await expect(page.getByTestId("scan-key-row").filter({ hasText: KEY })).toBeVisible();
    await expect(page.getByRole("button", { name: /^(Fix|Delete)/ })).toHaveCount(0);
    await expect(page.getByRole("checkbox")).toHaveCount(0);

    await page.goto(`/i/chaos/keys?key=${KEY_ID}`);
    await expect(page.getByTestId("key-name")).toHaveText(KEY);
    await expect(page.getByRole("button", { name: /Set TTL|Delete key/ })).toHaveCount(0);
    await expect(page.getByLabel("TTL in seconds")).toHaveCount(0);

    await page.goto("/i/chaos/ops");
    // The user menu shows the name once /api/auth/me answered: the role is known, buttons would be drawn.
    await expect(page.getByTestId("user-name")).toBeVisible();
    await expect(page.getByText("Danger zone")).toHaveCount(0);
    await expect(page.getByRole("button", { name: /Flush database/ })).toHaveCount(0);

    const denied = await api.as("viewer").post("/api/instances/chaos/actions", { action: "expire", keys: [Buffer.from(KEY).toString("base64")], ttlSeconds: 60 });
    expect(denied.status).toBe(403);
    expect(chaos.cli("TTL", KEY).trim()).toBe("-1");
  });
});

test.describe("as an admin", () => {
  test("the FLUSHDB dialog shows the key count and refuses a mistyped instance id", async ({ page, chaos }) => {
    chaos.cli("SET", KEY, "planted by e2e");
    const before = Number(chaos.cli("DBSIZE").trim());

    await page.goto("/i/chaos/ops");
    const zone = page.getByRole("region", { name: "Danger zone" });
    await expect(zone).toBeVisible();
    await zone.getByRole("button", { name: "Flush database…" }).click();
    const dialog = page.getByRole("dialog", { name: /Flush every key of chaos/ });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId("flush-key-count")).toContainText(/\d[\d,]* keys? will be removed|not known/);

    await dialog.getByLabel("Instance id").fill("chaoss");
    await dialog.getByLabel("Reason").fill("e2e: mistyped id must be refused");
    await expect(dialog.getByRole("alert")).toContainText("Does not match");
    const flush = dialog.getByRole("button", { name: "Flush database" });
    await expect(flush).toBeDisabled();
    await dialog.getByLabel("Instance id").fill("Chaos");
    await expect(flush).toBeDisabled();
    await dialog.getByLabel("Instance id").fill("chaos");
    await expect(flush).toBeEnabled();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();

    expect(Number(chaos.cli("DBSIZE").trim())).toBeGreaterThanOrEqual(before);
    expect(chaos.cli("EXISTS", KEY).trim()).toBe("1");
    chaos.cli("DEL", KEY);
  });
});
