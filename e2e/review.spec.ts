// The weekly review in a real browser against the seeded demo Redis: after a scan, the page shows
// the per-pattern table and the TTL histograms, and the Markdown export downloads.
import { readFileSync } from "node:fs";
import { expect, scanNow, test } from "./fixtures";

interface ReviewBody {
  patterns: { name: string; keys: number }[];
}

test.describe("weekly review", () => {
  test("shows the per-pattern table and a TTL histogram after a scan; the Markdown export downloads", async ({
    page,
    api,
  }) => {
    await scanNow(api, "demo");
    const { status, body } = await api.get<ReviewBody>("/api/instances/demo/review");
    expect(status).toBe(200);

    await page.goto("/i/demo/review");
    const table = page.getByTestId("pattern-table");
    await expect(table).toBeVisible();
    for (const p of body.patterns) {
      const row = table.locator(`tr[data-pattern="${p.name}"]`);
      await expect(row).toContainText(String(p.keys));
      await expect(row).toContainText(/(below|within|above) range/);
    }
    const histogram = page.locator('[data-testid="ttl-histogram"][data-pattern="result"]');
    await expect(histogram).toContainText("standard TTL 2 h");
    await expect(histogram.locator(".recharts-bar-rectangle").first()).toBeVisible();
    await expect(page.getByTestId("capacity")).toContainText("Capacity projection");

    const downloadPromise = page.waitForEvent("download");
    await page.getByTestId("export-md").click();
    const download = await downloadPromise;
    expect(download.suggestedFilename()).toMatch(/^isl-review-demo-\d{4}-\d\d-\d\d\.md$/);
    const md = readFileSync(await download.path(), "utf8");
    expect(md).toMatch(/^# Weekly key-distribution review: /);
    for (const p of body.patterns) {
      expect(md).toMatch(new RegExp(`^\\| ${p.name} \`[^\`]+\` \\| ${p.keys} \\| `, "m"));
    }
  });

  test("the CSV and JSON exports are downloads too", async ({ page, api }) => {
    await scanNow(api, "demo");
    await page.goto("/i/demo/review");
    for (const format of ["csv", "json"] as const) {
      const downloadPromise = page.waitForEvent("download");
      await page.getByTestId(`export-${format}`).click();
      const download = await downloadPromise;
      expect(download.suggestedFilename()).toMatch(new RegExp(`^isl-review-demo-.*\\.${format}$`));
    }
  });
});
