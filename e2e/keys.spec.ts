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
    keysPage,
    demo,
  }) => {
    demo.cli("SET", JSON_KEY, '{"mean":42.5,"samples":10000,"ci":[40.1,44.9]}', "EX", "3600");
    await keysPage.goto("demo");
    await keysPage.openPrefix("isl:");
    await keysPage.selectPrefix("result:");
    await expect(page).toHaveURL(/[?&]match=isl%3Aresult%3A\*/);
    await expect(keysPage.rows.first()).toContainText("isl:result:");
    // The tree counts what it loaded (or the latest scan): the result node shows a number.
    await expect(keysPage.prefixNode("isl:result:").first()).toContainText(/\d/);

    await keysPage.openKey(JSON_KEY);
    await expect(page).toHaveURL(/[?&]key=/);

    await expect(keysPage.keyName).toHaveText(JSON_KEY);
    await expect(keysPage.valueEncoding).toHaveText("JSON (pretty-printed)");
    await expect(keysPage.valueText).toHaveText(
      '{\n  "mean": 42.5,\n  "samples": 10000,\n  "ci": [\n    40.1,\n    44.9\n  ]\n}',
    );
    await expect(keysPage.ttlCountdown).toHaveText(/^(59 min \d+ s|1 h)$/);
    await expect(keysPage.standardTtl).toHaveText("2 h");

    // The URL alone reopens the same view.
    await page.reload();
    await expect(keysPage.keyName).toHaveText(JSON_KEY);
  });

  test("a key named like HTML shows as text and runs no script", async ({ page, keysPage, demo }) => {
    demo.cli("SET", HOSTILE_KEY, "<script>alert(2)</script>", "EX", "600");
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await keysPage.goto("demo", { match: "isl:ident:<img*" });
    const row = keysPage.row(HOSTILE_KEY);
    await expect(row).toBeVisible();
    await row.click();
    // The click was handled: the URL names the key and the detail shows its name and value as text.
    await expect(page).toHaveURL(/[?&]key=/);
    await expect(keysPage.keyName).toHaveText(HOSTILE_KEY);
    await expect(keysPage.valueText).toHaveText("<script>alert(2)</script>");
    await expect(page.locator('img[src="x"]')).toHaveCount(0);
    // A script could only run from markup, on insertion or (an image's onerror) once the image
    // settles: wait until every image on the page has loaded or failed, then no dialog may have opened.
    await page.waitForFunction(() => Array.from(document.images).every((img) => img.complete));
    expect(dialogs).toEqual([]);
  });
});
