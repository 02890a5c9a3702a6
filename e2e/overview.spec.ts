// The overview page against the built console and the real "chaos" redis-server (maxmemory 20mb,
// volatile-lru, sampled every second): charts drawn, a pending memory alert with its runbook once
// filled past 80 %, and the unreachable banner when Redis stops, cleared when it is back.
import { expect, test } from "./fixtures";

/** ~60 MB of 10 KB values with a TTL, in 2 MB scripts so Redis evicts between them. */
function fillChaos(cli: (...args: string[]) => string): void {
  const script =
    "for i=1,200 do redis.call('SET', 'isl:result:' .. string.format('%08x%08x', tonumber(ARGV[1]), i), string.rep('x', 10000), 'EX', 3600) end";
  for (let batch = 0; batch < 30; batch++) cli("EVAL", script, "0", String(batch));
}

test.describe("overview: triage at a glance", () => {
  test("draws the charts and shows a pending memory alert with its runbook when filled past 80 %", async ({
    page,
    chaos,
  }) => {
    fillChaos(chaos.cli);
    const info = chaos.cli("INFO", "memory");
    const used = Number(/used_memory:(\d+)/.exec(info)?.[1]);
    const max = Number(/maxmemory:(\d+)/.exec(info)?.[1]);
    expect(used / max).toBeGreaterThan(0.8);

    await page.goto("/i/chaos?range=15m");
    const alert = page.locator('[data-testid="alert"][data-rule="memory"]');
    await expect(alert).toHaveAttribute("data-state", "pending", { timeout: 10_000 });
    await expect(alert).toContainText("Memory high");
    await expect(alert).toContainText(/memory at \d+\.\d % of maxmemory/);
    // With more than two alerts (another spec may have left a firing one on this instance), pending
    // alerts start collapsed: open it as an operator would.
    if ((await alert.getAttribute("open")) === null) await alert.locator("summary").click();
    await expect(alert).toHaveAttribute("open", "");
    const runbook = alert.getByTestId("runbook");
    await expect(runbook).toContainText("Check");
    await expect(runbook).toContainText("Do");
    await expect(runbook.locator('a[href="/i/chaos/review"]').first()).toBeVisible();

    // Six charts, each an SVG; the memory line is a drawn path, with the 80 % reference line.
    const charts = page.getByTestId("chart");
    await expect(charts).toHaveCount(6);
    const memoryChart = page.locator('[data-testid="chart"][data-title="Memory used"]');
    await expect
      .poll(
        async () =>
          (await memoryChart.locator("path.recharts-line-curve").first().getAttribute("d"))?.length ?? 0,
        {
          timeout: 10_000,
        },
      )
      .toBeGreaterThan(10);
    // The 80 % line follows the maxmemory recorded with each point: a stepped series, not a fixed line.
    await expect(memoryChart.locator(".threshold-line path.recharts-line-curve")).toHaveCount(1);
    await expect(memoryChart).toContainText("80 % of max");

    // The memory tile is coloured and worded against its threshold.
    const tile = page.locator('[data-testid="tile"]').filter({ hasText: "Memory" }).first();
    await expect(tile).toHaveAttribute("data-tone", "bad");
    await expect(tile).toContainText("over threshold");

    // The home card of the instance counts the pending alert.
    await page.goto("/");
    await expect(page.locator('[data-instance="chaos"] [data-testid="card-alerts"]')).toContainText(
      /pending/,
    );
  });

  test("shows the unreachable banner within 5 s of Redis stopping, and clears it when Redis is back", async ({
    page,
    chaos,
  }) => {
    await page.goto("/i/chaos");
    await expect(page.locator('[data-testid="tile"]').first()).toBeVisible();
    await expect(page.getByTestId("unreachable-banner")).toHaveCount(0);

    chaos.stop();
    const banner = page.getByTestId("unreachable-banner");
    await expect(banner).toBeVisible({ timeout: 5_000 });
    await expect(banner).toContainText(/unreachable since \d\d:\d\d:\d\d UTC, last data \d\d:\d\d:\d\d UTC/);
    // The last known figures stay on screen, greyed and labelled.
    await expect(page.locator('[data-testid="tile"]').first()).toContainText("last known");

    await chaos.start();
    await expect(banner).toBeHidden({ timeout: 10_000 });
    await expect(page.locator('[data-testid="tile"]').first()).not.toContainText("last known");
  });
});
