// Guarded actions in a real browser, on the "chaos" instance (never "demo", which other specs read):
// an operator fixes a planted no-TTL key from the TTL page after a confirmation with a reason and
// finds it in the audit log; a row's Fix or Delete cancelled (or Enter on the row) changes nothing;
// a viewer sees no action buttons; an admin's FLUSHDB dialog refuses a mistyped instance id.
import type { Locator, Page } from "@playwright/test";
import { expect, freshScan, test, type Api } from "./fixtures";
import { storageStateFile } from "./support/env";

const KEY = "isl:result:e2e6b0000000f1c5";
const KEY_ID = Buffer.from(KEY).toString("base64url");
/** An ident key (standard TTL 6 h) and a foreign key, planted by the confirmation specs. */
const IDENT_KEY = "isl:ident:e2ec0f1a2b3c4d5e";
const FOREIGN_KEY = "e2e:confirm:foreign-7d1";

/** The key's TTL on chaos through the key API, or "missing" when it does not exist. */
async function ttlOf(api: Api, key: string): Promise<number | "missing"> {
  const res = await api.get<{ ttl: number }>(
    `/api/instances/chaos/keys/${Buffer.from(key).toString("base64url")}`,
  );
  if (res.status === 404) return "missing";
  expect(res.status).toBe(200);
  return res.body.ttl;
}

/** The chaos TTL page on one list, filtered down to one key: that key's row. */
async function rowOf(page: Page, tab: RegExp, key: string): Promise<Locator> {
  await page.goto("/i/chaos/ttl");
  await page.getByRole("tab", { name: tab }).click();
  await page.getByLabel("Filter by key text").fill(key);
  const row = page.getByTestId("scan-key-row").filter({ hasText: key });
  await expect(row).toBeVisible();
  return row;
}

test.describe("as an operator", () => {
  test.use({ storageState: storageStateFile("operator") });
  test.afterEach(({ chaos }) => {
    chaos.cli("DEL", KEY);
  });

  test("fixes a planted no-TTL key after confirming with a reason, and the audit entry has the reason", async ({
    page,
    chaos,
    api,
  }) => {
    const reason = `e2e: confirmed fix ${Date.now()}`;
    chaos.cli("SET", KEY, "planted by e2e");
    await freshScan(api, "chaos");

    const row = await rowOf(page, /no TTL/, KEY);
    await expect(page.getByRole("button", { name: /^Fix all/ })).toBeVisible();
    await row.getByRole("button", { name: /^Fix/ }).click();
    const dialog = page.getByRole("dialog", { name: "Fix the TTL of this key?" });
    await expect(dialog.getByTestId("confirm-keys")).toHaveText(KEY);
    await expect(dialog).toContainText("EXPIRE to the pattern's standard TTL of 2 h");
    await dialog.getByLabel("Reason").fill(reason);
    await dialog.getByRole("button", { name: "Fix TTL" }).click();
    await expect(dialog).toBeHidden();
    await expect(row.getByText("fixed")).toBeVisible();
    // Focus stays in the row: on what replaced its Fix button.
    await expect(row.locator(":focus")).toHaveText("fixed");

    const ttl = Number(chaos.cli("TTL", KEY).trim());
    expect(ttl).toBeGreaterThan(7000);
    expect(ttl).toBeLessThanOrEqual(7200);

    await page.goto("/audit");
    const outcome = page
      .getByTestId("audit-row")
      .filter({ hasText: KEY })
      .filter({ hasText: "e2e-operator" })
      .filter({ hasText: "fix-ttl" })
      .filter({ hasText: reason })
      .filter({ has: page.getByText("ok", { exact: true }) });
    await expect(outcome.first()).toBeVisible();
  });
});

test.describe("confirmations on the TTL page", () => {
  test.afterEach(({ chaos }) => {
    chaos.cli("DEL", IDENT_KEY, FOREIGN_KEY);
  });

  test("a row's Fix asks first: Enter on the row, Cancel and Escape change nothing; focus returns to Fix", async ({
    page,
    chaos,
    api,
  }) => {
    chaos.cli("SET", IDENT_KEY, "planted by e2e");
    await freshScan(api, "chaos");
    const row = await rowOf(page, /no TTL/, IDENT_KEY);
    const fix = row.getByRole("button", { name: /^Fix/ });
    const dialog = page.getByRole("dialog", { name: "Fix the TTL of this key?" });

    // Enter on the checkbox neither selects nor writes; Enter on Fix only opens the confirmation.
    await row.getByRole("checkbox").focus();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("button", { name: "Fix selected (0)…" })).toBeDisabled();
    await fix.focus();
    await page.keyboard.press("Enter");
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId("confirm-keys")).toHaveText(IDENT_KEY);
    await expect(dialog).toContainText("EXPIRE to the pattern's standard TTL of 6 h");
    await expect(dialog.getByLabel("Reason")).toBeFocused();
    expect(await ttlOf(api, IDENT_KEY)).toBe(-1);

    await dialog.getByLabel("Reason").fill("e2e: typed, then cancelled");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    await expect(fix).toBeFocused();

    await fix.click();
    await expect(dialog).toBeVisible();
    await expect(dialog.getByLabel("Reason")).toHaveValue("");
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await expect(fix).toBeFocused();
    await expect(row.getByText("fixed")).toHaveCount(0);

    expect(await ttlOf(api, IDENT_KEY)).toBe(-1);
    // Not even attempted: the audit log has no entry naming the key (intents are written before anything runs).
    const audit = await api.get<{ entries: { sample: string[] }[] }>("/api/audit?instance=chaos&limit=200");
    expect(audit.body.entries.filter((e) => e.sample.includes(IDENT_KEY))).toEqual([]);
  });

  test("a row's Delete asks first and Cancel keeps the key", async ({ page, chaos, api }) => {
    chaos.cli("SET", FOREIGN_KEY, "planted by e2e");
    await freshScan(api, "chaos");
    const row = await rowOf(page, /foreign/, FOREIGN_KEY);
    const del = row.getByRole("button", { name: /^Delete/ });

    await del.click();
    const dialog = page.getByRole("dialog", { name: "Delete this key?" });
    await expect(dialog.getByTestId("confirm-keys")).toHaveText(FOREIGN_KEY);
    await expect(dialog).toContainText("UNLINK removes the key now");
    await expect(dialog.getByRole("button", { name: "Delete" })).toBeEnabled();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    await expect(del).toBeFocused();

    expect(await ttlOf(api, FOREIGN_KEY)).toBe(-1);
    expect(chaos.cli("EXISTS", FOREIGN_KEY).trim()).toBe("1");
  });

  test("the key detail's Set TTL asks first: Cancel keeps the TTL, Confirm sets it", async ({
    page,
    chaos,
    api,
  }) => {
    chaos.cli("SET", IDENT_KEY, "planted by e2e");
    await page.goto(`/i/chaos/keys?key=${Buffer.from(IDENT_KEY).toString("base64url")}`);
    await expect(page.getByTestId("key-name")).toHaveText(IDENT_KEY);
    await page.getByLabel("TTL in seconds").fill("3600");
    const submit = page.getByRole("button", { name: "Set TTL…" });
    await page.getByLabel("TTL in seconds").press("Enter");
    const dialog = page.getByRole("dialog", { name: "Set the TTL of this key?" });
    await expect(dialog).toContainText(/no TTL \(when read\) → 1 h \(3,600 s\)/);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    await expect(submit).toBeFocused();
    expect(await ttlOf(api, IDENT_KEY)).toBe(-1);

    await submit.click();
    await dialog.getByLabel("Reason").fill("e2e: set ttl confirmed");
    await dialog.getByRole("button", { name: "Set TTL" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByText(/TTL set \(audit #\d+\)/)).toBeVisible();
    const ttl = await ttlOf(api, IDENT_KEY);
    expect(ttl).toBeGreaterThan(3000);
    expect(ttl).toBeLessThanOrEqual(3600);
  });
});

test.describe("as a viewer", () => {
  test.use({ storageState: storageStateFile("viewer") });
  test.afterEach(({ chaos }) => {
    chaos.cli("DEL", KEY);
  });

  test("sees no action buttons on the TTL page, the key detail or the ops page", async ({
    page,
    chaos,
    api,
  }) => {
    chaos.cli("SET", KEY, "planted by e2e");
    await freshScan(api, "chaos");

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

    const denied = await api.as("viewer").post("/api/instances/chaos/actions", {
      action: "expire",
      keys: [Buffer.from(KEY).toString("base64")],
      ttlSeconds: 60,
    });
    expect(denied.status).toBe(403);
    expect(chaos.cli("TTL", KEY).trim()).toBe("-1");
  });
});

test.describe("as an admin", () => {
  test("the FLUSHDB dialog shows the key count and refuses a mistyped instance id", async ({
    page,
    chaos,
  }) => {
    chaos.cli("SET", KEY, "planted by e2e");
    const before = Number(chaos.cli("DBSIZE").trim());

    await page.goto("/i/chaos/ops");
    const zone = page.getByRole("region", { name: "Danger zone" });
    await expect(zone).toBeVisible();
    await zone.getByRole("button", { name: "Flush database…" }).click();
    const dialog = page.getByRole("dialog", { name: /Flush every key of chaos/ });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId("flush-key-count")).toContainText(
      /\d[\d,]* keys? will be removed|not known/,
    );

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
