// Guarded actions in a real browser, on the "chaos" instance (never "demo", which other specs read):
// an operator fixes a planted no-TTL key from the TTL page after a confirmation with a reason and
// finds it in the audit log; a row's Fix or Delete cancelled (or Enter on the row) changes nothing;
// a viewer sees no action buttons; an admin's FLUSHDB dialog refuses a mistyped instance id.
import { expect, freshScan, test, type Api } from "./fixtures";
import { storageStateFile } from "./support/env";

const KEY = "isl:result:e2e6b0000000f1c5";
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

test.describe("as an operator", () => {
  test.use({ storageState: storageStateFile("operator") });
  test.afterEach(({ chaos }) => {
    chaos.cli("DEL", KEY);
  });

  test("fixes a planted no-TTL key after confirming with a reason, and the audit entry has the reason", async ({
    page,
    ttlPage,
    chaos,
    api,
  }) => {
    const reason = `e2e: confirmed fix ${Date.now()}`;
    chaos.cli("SET", KEY, "planted by e2e");
    await freshScan(api, "chaos");

    await ttlPage.goto("chaos");
    const row = await ttlPage.findRow(/no TTL/, KEY);
    await expect(page.getByRole("button", { name: /^Fix all/ })).toBeVisible();
    await ttlPage.rowButton(row, "Fix").click();
    const dialog = ttlPage.fixDialog;
    await expect(dialog.keys).toHaveText(KEY);
    await expect(dialog.root).toContainText("EXPIRE to the pattern's standard TTL of 2 h");
    await dialog.confirm(reason, "Fix TTL");
    await expect(dialog.root).toBeHidden();
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
    ttlPage,
    chaos,
    api,
  }) => {
    chaos.cli("SET", IDENT_KEY, "planted by e2e");
    await freshScan(api, "chaos");
    await ttlPage.goto("chaos");
    const row = await ttlPage.findRow(/no TTL/, IDENT_KEY);
    const fix = ttlPage.rowButton(row, "Fix");
    const dialog = ttlPage.fixDialog;

    // Enter on the checkbox neither selects nor writes; Enter on Fix only opens the confirmation.
    await row.getByRole("checkbox").focus();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("button", { name: "Fix selected (0)…" })).toBeDisabled();
    await fix.focus();
    await page.keyboard.press("Enter");
    await expect(dialog.root).toBeVisible();
    await expect(dialog.keys).toHaveText(IDENT_KEY);
    await expect(dialog.root).toContainText("EXPIRE to the pattern's standard TTL of 6 h");
    await expect(dialog.reason).toBeFocused();
    expect(await ttlOf(api, IDENT_KEY)).toBe(-1);

    await dialog.reason.fill("e2e: typed, then cancelled");
    await dialog.cancel();
    await expect(dialog.root).toBeHidden();
    await expect(fix).toBeFocused();

    await fix.click();
    await expect(dialog.root).toBeVisible();
    await expect(dialog.reason).toHaveValue("");
    await page.keyboard.press("Escape");
    await expect(dialog.root).toBeHidden();
    await expect(fix).toBeFocused();
    await expect(row.getByText("fixed")).toHaveCount(0);

    expect(await ttlOf(api, IDENT_KEY)).toBe(-1);
    // Not even attempted: the audit log has no entry naming the key (intents are written before anything runs).
    const audit = await api.get<{ entries: { sample: string[] }[] }>("/api/audit?instance=chaos&limit=200");
    expect(audit.body.entries.filter((e) => e.sample.includes(IDENT_KEY))).toEqual([]);
  });

  test("a row's Delete asks first and Cancel keeps the key", async ({ ttlPage, chaos, api }) => {
    chaos.cli("SET", FOREIGN_KEY, "planted by e2e");
    await freshScan(api, "chaos");
    await ttlPage.goto("chaos");
    const row = await ttlPage.findRow(/foreign/, FOREIGN_KEY);
    const del = ttlPage.rowButton(row, "Delete");

    await del.click();
    const dialog = ttlPage.deleteDialog;
    await expect(dialog.keys).toHaveText(FOREIGN_KEY);
    await expect(dialog.root).toContainText("UNLINK removes the key now");
    await expect(dialog.button("Delete")).toBeEnabled();
    await dialog.cancel();
    await expect(dialog.root).toBeHidden();
    await expect(del).toBeFocused();

    expect(await ttlOf(api, FOREIGN_KEY)).toBe(-1);
    expect(chaos.cli("EXISTS", FOREIGN_KEY).trim()).toBe("1");
  });

  test("the key detail's Set TTL asks first: Cancel keeps the TTL, Confirm sets it", async ({
    page,
    keysPage,
    chaos,
    api,
  }) => {
    chaos.cli("SET", IDENT_KEY, "planted by e2e");
    await keysPage.goto("chaos", { key: IDENT_KEY });
    await expect(keysPage.keyName).toHaveText(IDENT_KEY);
    await keysPage.ttlInput.fill("3600");
    const submit = keysPage.setTtlButton;
    await keysPage.ttlInput.press("Enter");
    const dialog = keysPage.setTtlDialog;
    await expect(dialog.root).toContainText(/no TTL \(when read\) → 1 h \(3,600 s\)/);
    await dialog.cancel();
    await expect(dialog.root).toBeHidden();
    await expect(submit).toBeFocused();
    expect(await ttlOf(api, IDENT_KEY)).toBe(-1);

    await submit.click();
    await dialog.confirm("e2e: set ttl confirmed", "Set TTL");
    await expect(dialog.root).toBeHidden();
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
    ttlPage,
    keysPage,
    opsPage,
    userMenu,
    chaos,
    api,
  }) => {
    chaos.cli("SET", KEY, "planted by e2e");
    await freshScan(api, "chaos");

    await ttlPage.goto("chaos");
    await ttlPage.findRow(/no TTL/, KEY, "e2e6b0000000f1c5");
    await expect(page.getByRole("button", { name: /^(Fix|Delete)/ })).toHaveCount(0);
    await expect(page.getByRole("checkbox")).toHaveCount(0);

    await keysPage.goto("chaos", { key: KEY });
    await expect(keysPage.keyName).toHaveText(KEY);
    await expect(page.getByRole("button", { name: /Set TTL|Delete key/ })).toHaveCount(0);
    await expect(keysPage.ttlInput).toHaveCount(0);

    await opsPage.goto("chaos");
    // The user menu shows the name once /api/auth/me answered: the role is known, buttons would be drawn.
    await expect(userMenu.name).toBeVisible();
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
    opsPage,
    chaos,
  }) => {
    chaos.cli("SET", KEY, "planted by e2e");
    const before = Number(chaos.cli("DBSIZE").trim());

    await opsPage.goto("chaos");
    await expect(opsPage.dangerZone).toBeVisible();
    await opsPage.flushButton.click();
    const dialog = opsPage.flushDialog("chaos");
    await expect(dialog.root).toBeVisible();
    await expect(dialog.root.getByTestId("flush-key-count")).toContainText(
      /\d[\d,]* keys? will be removed|not known/,
    );

    const instanceId = dialog.root.getByLabel("Instance id");
    await instanceId.fill("chaoss");
    await dialog.reason.fill("e2e: mistyped id must be refused");
    await expect(dialog.root.getByRole("alert")).toContainText("Does not match");
    const flush = dialog.button("Flush database");
    await expect(flush).toBeDisabled();
    await instanceId.fill("Chaos");
    await expect(flush).toBeDisabled();
    await instanceId.fill("chaos");
    await expect(flush).toBeEnabled();
    await dialog.cancel();
    await expect(dialog.root).toBeHidden();

    expect(Number(chaos.cli("DBSIZE").trim())).toBeGreaterThanOrEqual(before);
    expect(chaos.cli("EXISTS", KEY).trim()).toBe("1");
    chaos.cli("DEL", KEY);
  });
});
