// The key browser in a real browser against the seeded demo Redis: tree -> table -> value, and
// hostile key names shown as text. Each test plants its own keys and removes them.
import { expect, test } from "./fixtures";

const JSON_KEY = "isl:result:e2e5e2e5e2e5e2e5";
const HOSTILE_KEY = "isl:ident:<img src=x onerror=alert(1)>";

test.describe("key browser", () => {
  test.afterEach(({ demo }) => {
    demo.cli("DEL", JSON_KEY, HOSTILE_KEY);
  });

  test("browses isl: -> result in the tree, opens a key, shows its JSON pretty-printed and its TTL", async ({
    page,
    demo,
  }) => {
    demo.cli("SET", JSON_KEY, '{"mean":42.5,"samples":10000,"ci":[40.1,44.9]}', "EX", "3600");
    await page.goto("/i/demo/keys");
    const tree = page.getByRole("navigation", { name: "Key prefixes" });
    await tree.getByRole("button", { name: "Open isl:" }).click();
    await tree.getByRole("button", { name: "result:", exact: true }).click();
    await expect(page).toHaveURL(/[?&]match=isl%3Aresult%3A\*/);
    await expect(page.getByTestId("key-row").first()).toContainText("isl:result:");
    // The tree counts what it loaded (or the latest scan): the result node shows a number.
    await expect(tree.locator('[data-prefix="isl:result:"]').first()).toContainText(/\d/);

    await page.getByLabel("Key pattern").fill(JSON_KEY);
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByTestId("key-row").filter({ hasText: JSON_KEY }).click();
    await expect(page).toHaveURL(/[?&]key=/);

    const detail = page.getByLabel("Key detail");
    await expect(detail.getByTestId("key-name")).toHaveText(JSON_KEY);
    await expect(detail.getByTestId("value-encoding")).toHaveText("JSON (pretty-printed)");
    await expect(detail.getByTestId("value-text")).toHaveText(
      '{\n  "mean": 42.5,\n  "samples": 10000,\n  "ci": [\n    40.1,\n    44.9\n  ]\n}',
    );
    await expect(detail.getByTestId("ttl-countdown")).toHaveText(/^(59 min \d+ s|1 h)$/);
    await expect(detail.getByTestId("standard-ttl")).toHaveText("2 h");

    // The URL alone reopens the same view.
    await page.reload();
    await expect(page.getByLabel("Key detail").getByTestId("key-name")).toHaveText(JSON_KEY);
  });

  test("a key named like HTML shows as text and runs no script", async ({ page, demo }) => {
    demo.cli("SET", HOSTILE_KEY, "<script>alert(2)</script>", "EX", "600");
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(`/i/demo/keys?match=${encodeURIComponent("isl:ident:<img*")}`);
    const row = page.getByTestId("key-row").filter({ hasText: HOSTILE_KEY });
    await expect(row).toBeVisible();
    await row.click();
    const detail = page.getByLabel("Key detail");
    await expect(detail.getByTestId("key-name")).toHaveText(HOSTILE_KEY);
    await expect(detail.getByTestId("value-text")).toHaveText("<script>alert(2)</script>");
    await expect(page.locator('img[src="x"]')).toHaveCount(0);
    await page.waitForTimeout(500);
    expect(dialogs).toEqual([]);
  });
});
