// Charts that read right, in a real browser: the capacity chart's time ticks are distinct, the TTL
// histograms' count labels fit their SVG and violation buckets stay visible next to large ones, the
// memory chart's value ticks are round binary sizes with the threshold following maxmemory, and
// the overview tiles do not cut text. Screenshots (light/dark, 1440 and 390 px) go to /tmp/charts-*.png.
import { expect, scanNow, test } from "./fixtures";
import type { Locator, Page } from "@playwright/test";

interface ReviewBody {
  patterns: {
    name: string;
    noTtl: number;
    ttlHistogram: { count: number; overStandard: boolean }[];
  }[];
}

const widths = [1440, 390] as const;
const themes = ["light", "dark"] as const;

/** Full page at 1440 px; at 390 px (a long page) each named part on its own. */
async function shoot(page: Page, name: string, parts: Record<string, Locator>): Promise<void> {
  for (const width of widths) {
    await page.setViewportSize({ width, height: 900 });
    for (const theme of themes) {
      await page.evaluate((t) => {
        document.documentElement.dataset.theme = t;
      }, theme);
      if (width > 1000) {
        await page.screenshot({ path: `/tmp/charts-${name}-${width}-${theme}.png`, fullPage: true });
        continue;
      }
      for (const [part, locator] of Object.entries(parts))
        await locator.screenshot({ path: `/tmp/charts-${name}-${part}-${width}-${theme}.png` });
    }
  }
  await page.evaluate(() => {
    document.documentElement.dataset.theme = "light";
  });
}

/** Text boxes of the axis tick labels that stick out of their SVG. */
async function ticksOutside(page: Page, svgSelector: string, axis: "x" | "y") {
  return page.evaluate(
    ({ svgSelector, axis }) => {
      const out: string[] = [];
      for (const svg of document.querySelectorAll<SVGSVGElement>(svgSelector)) {
        const box = svg.getBoundingClientRect();
        for (const t of svg.querySelectorAll(
          `.recharts-${axis === "x" ? "xAxis" : "yAxis"}-tick-labels .recharts-cartesian-axis-tick-value`,
        )) {
          const r = t.getBoundingClientRect();
          if (
            r.left < box.left - 0.5 ||
            r.right > box.right + 0.5 ||
            r.top < box.top - 0.5 ||
            r.bottom > box.bottom + 0.5
          )
            out.push(t.textContent ?? "");
        }
      }
      return out;
    },
    { svgSelector, axis },
  );
}

test.describe("charts that read right", () => {
  test.setTimeout(180_000);

  test("review: distinct capacity time ticks, visible histogram labels and violation bars", async ({
    page,
    api,
  }) => {
    await scanNow(api, "demo", 60_000);
    const { body } = await api.get<ReviewBody>("/api/instances/demo/review");
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto("/i/demo/review");

    const capacity = page.getByTestId("capacity-chart");
    await expect(capacity).toContainText("UTC");
    const xTicks = capacity.locator(".recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value");
    await expect(xTicks.first()).toBeVisible({ timeout: 20_000 });
    const xLabels = await xTicks.allTextContents();
    expect(xLabels.length).toBeGreaterThan(0);
    expect(new Set(xLabels).size).toBe(xLabels.length);
    const yLabels = await capacity
      .locator(".recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value")
      .allTextContents();
    for (const l of yLabels) expect(l).toMatch(/^\d+(\.\d+)? (B|KiB|MiB|GiB|TiB)$/);

    const histograms = page.getByTestId("ttl-histogram");
    await expect(histograms.first()).toBeVisible();
    await expect(
      histograms.first().locator(".recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value").first(),
    ).toBeVisible();
    expect(await ticksOutside(page, '[data-testid="ttl-histogram"] svg.recharts-surface', "y")).toEqual([]);

    for (const p of body.patterns) {
      const counts = [p.noTtl, ...p.ttlHistogram.map((b) => b.count)];
      const violation = [true, ...p.ttlHistogram.map((b) => b.overStandard)];
      const figure = page.locator(`[data-testid="ttl-histogram"][data-pattern="${p.name}"]`);
      // Recharts draws no rectangle for an empty bucket: the n-th bar is the n-th non-empty bucket.
      const bars = figure.locator(".recharts-bar-rectangle path");
      await expect(bars).toHaveCount(counts.filter((c) => c > 0).length);
      let bar = 0;
      for (let i = 0; i < counts.length; i++) {
        if ((counts[i] ?? 0) === 0) continue;
        if (violation[i]) {
          const box = await bars.nth(bar).boundingBox();
          expect(box?.height ?? 0, `${p.name} bucket ${i} (${counts[i]} keys)`).toBeGreaterThanOrEqual(2);
          await expect(bars.nth(bar)).toHaveAttribute("fill", /var\(--(bad|warn)\)/);
          await expect(figure.locator(`[data-violation-count="${i}"]`)).toHaveText(/^\d/);
        }
        bar++;
      }
    }
    await shoot(page, "review", {
      histogram: histograms.first(),
      violations: page.locator('[data-testid="ttl-histogram"][data-pattern="ident"]'),
      capacity: page.getByTestId("capacity"),
    });
  });

  test("overview: round byte ticks, the stepped threshold, tiles without cut text", async ({
    page,
    opsPage,
  }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto("/i/chaos?range=15m");
    const memory = page.locator('[data-testid="chart"][data-title="Memory used"]');
    await expect
      .poll(
        async () => (await memory.locator("path.recharts-line-curve").first().getAttribute("d"))?.length ?? 0,
        {
          timeout: 30_000,
        },
      )
      .toBeGreaterThan(10);
    const yLabels = await memory
      .locator(".recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value")
      .allTextContents();
    expect(yLabels.length).toBeGreaterThan(1);
    for (const l of yLabels) expect(l).toMatch(/^\d+ (B|KiB|MiB|GiB|TiB)$/);
    await expect(memory.locator(".threshold-line path.recharts-line-curve")).toHaveCount(1);
    await expect(memory).toContainText("80 % of max");
    const xLabels = await memory
      .locator(".recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value")
      .allTextContents();
    expect(new Set(xLabels).size).toBe(xLabels.length);

    for (const width of [1280, 1440, 1920]) {
      await page.setViewportSize({ width, height: 900 });
      const tiles = page.getByTestId("tile");
      await expect(tiles.first()).toBeVisible();
      const cut = await tiles.evaluateAll((els) =>
        els.flatMap((el) =>
          [...el.querySelectorAll("dt span, dd")]
            .filter((e) => e.scrollWidth > e.clientWidth + 1)
            .map((e) => e.textContent ?? ""),
        ),
      );
      expect(cut, `cut text at ${width} px`).toEqual([]);
    }
    for (const title of ["Ops per second", "Latency (PING round trip)", "Evictions per minute"]) {
      const labels = await page
        .locator(
          `[data-testid="chart"][data-title="${title}"] .recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value`,
        )
        .allTextContents();
      expect(new Set(labels).size, `${title}: ${labels.join(", ")}`).toBe(labels.length);
    }

    await shoot(page, "overview", {
      tiles: page.getByTestId("tile").first().locator(".."),
      memory: memory,
      latency: page.locator('[data-testid="chart"][data-title="Latency (PING round trip)"]'),
    });

    // The ops page's latency chart shares the time axis and rounds its value ticks too.
    await opsPage.goto("chaos");
    const latency = opsPage.latencyChart;
    const latencyTicks = latency.locator(".recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value");
    await expect(latencyTicks.first()).toBeVisible({ timeout: 20_000 });
    const latencyLabels = await latencyTicks.allTextContents();
    expect(new Set(latencyLabels).size).toBe(latencyLabels.length);
    await shoot(page, "ops", { latency });
  });
});
