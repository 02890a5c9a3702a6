// Accessibility of every page: axe (WCAG 2 A and AA) finds no serious or critical violation in the
// light or the dark theme; at phone width (390 px) no page scrolls sideways; the keyboard reaches a
// skip link first, the TTL list tabs follow the ARIA tabs pattern, and the theme button names what
// it does. Screenshots of each page at 390 and 1440 px, both themes, go to /tmp/a11y-*.png.
import { execFileSync } from "node:child_process";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, freshScan, test, type Api, type RedisHandle } from "./fixtures";
import { e2eEnv } from "./support/env";

const PAGES = [
  "/",
  "/i/demo",
  "/i/demo/keys",
  "/i/demo/ttl",
  "/i/demo/review",
  "/i/demo/ops",
  "/i/demo/cache-key",
  "/audit",
  // A cluster's node tables (overview, TTL page) and per-node ops panels.
  "/i/cluster",
  "/i/cluster/ttl",
  "/i/cluster/ops",
];
const THEMES = ["light", "dark"] as const;
type Theme = (typeof THEMES)[number];

/** A key name far wider than a phone: it must wrap in the tables, not widen the page. */
const LONG_KEY = `isl:result:${"a11ylongkeyname".repeat(12)}`;

function shotName(path: string): string {
  return path === "/" ? "home" : path.replace(/^\//, "").replaceAll("/", "-");
}

let scanned = false;

/** Plants the long key and makes sure a finished scan of demo saw it (the TTL lists need one); scans the cluster too. */
async function prepare(api: Api, demo: RedisHandle): Promise<void> {
  if (scanned) return;
  demo.cli("SET", LONG_KEY, "planted by a11y e2e", "EX", "86400");
  await freshScan(api, "demo");
  await freshScan(api, "cluster");
  scanned = true;
}

/** Opens the page in the theme and waits until React owns it and no skeleton is left. */
async function open(page: Page, path: string, theme: Theme): Promise<void> {
  await page.addInitScript((t) => localStorage.setItem("isl-theme", t), theme);
  await page.goto(path);
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
  await expect(page.locator("html")).toHaveAttribute("data-theme", theme);
  await expect(page.locator(".animate-pulse")).toHaveCount(0, { timeout: 20_000 });
  await expect(page.getByTestId("user-menu")).toBeVisible();
}

/**
 * What makes the page wider than the viewport, for a readable failure: elements reaching past its
 * right edge outside any box that scrolls sideways, then the innermost elements without which the
 * page would fit (text overflowing a narrow box shows only that way: its box stays inside).
 */
async function widerThanViewport(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const clipped = (el: HTMLElement): boolean => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const x = getComputedStyle(p).overflowX;
        if (x === "auto" || x === "scroll" || x === "hidden" || x === "clip") return true;
      }
      return false;
    };
    const describe = (el: HTMLElement): string => {
      const cls = typeof el.className === "string" ? el.className.slice(0, 60) : "";
      return `${el.tagName.toLowerCase()}.${cls} "${(el.textContent ?? "").slice(0, 40)}"`;
    };
    const all = Array.from(document.body.querySelectorAll<HTMLElement>("*"));
    const out: string[] = [];
    for (const el of all) {
      const r = el.getBoundingClientRect();
      if (r.right > window.innerWidth + 0.5 && r.width > 0 && !clipped(el)) {
        out.push(`${describe(el)} right=${Math.round(r.right)}`);
      }
    }
    const culprits: string[] = [];
    for (const el of all) {
      const display = el.style.display;
      el.style.display = "none";
      if (document.documentElement.scrollWidth <= window.innerWidth) culprits.push(describe(el));
      el.style.display = display;
    }
    // Outermost first in document order: the last ones are the innermost.
    return [...out.slice(0, 10), "without any of these it fits:", ...culprits.slice(-6)];
  });
}

test.beforeEach(async ({ api, demo }) => {
  await prepare(api, demo);
});

test.afterAll(() => {
  execFileSync("redis-cli", ["-h", "127.0.0.1", "-p", String(e2eEnv.demoRedisPort), "DEL", LONG_KEY]);
});

for (const theme of THEMES) {
  for (const path of PAGES) {
    test(`${path} in the ${theme} theme has no serious or critical axe violation`, async ({ page }) => {
      await page.setViewportSize({ width: 1440, height: 900 });
      await open(page, path, theme);
      await page.screenshot({ path: `/tmp/a11y-1440-${theme}-${shotName(path)}.png`, fullPage: true });
      const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
      const bad = results.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map(
          (v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.map((n) => n.target.join(" ")).join("\n  ")}`,
        );
      expect(bad, bad.join("\n")).toEqual([]);
    });
  }
}

for (const path of PAGES) {
  test(`${path} at 390 px wide does not scroll sideways, in either theme`, async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const theme of THEMES) {
      await open(page, path, theme);
      await page.screenshot({ path: `/tmp/a11y-390-${theme}-${shotName(path)}.png`, fullPage: true });
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
      }));
      const why = scrollWidth === innerWidth ? [] : await widerThanViewport(page);
      expect(scrollWidth, why.join("\n")).toBe(innerWidth);
    }
  });
}

test("the first tab stop is a skip link that moves focus to the page content", async ({ page }) => {
  await open(page, "/i/demo", "light");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.screenshot({ path: "/tmp/a11y-skip-link.png" });
  await page.keyboard.press("Enter");
  await expect(page.locator("main")).toBeFocused();
});

test("the TTL list tabs move with the arrow keys and the class tiles are no extra tab stops", async ({
  page,
  ttlPage,
}) => {
  await open(page, "/i/demo/ttl", "light");
  const tabs = ttlPage.listTabs;
  const names = await tabs.allTextContents();
  expect(names.length).toBeGreaterThan(2);
  // One tab stop: only the selected tab is in the tab order.
  await expect(page.locator('[role="tab"][tabindex="0"]')).toHaveCount(1);
  const selected = page.getByRole("tab", { selected: true });
  await selected.focus();
  const first = tabs.first();
  const last = tabs.last();
  await page.keyboard.press("Home");
  await expect(first).toBeFocused();
  await expect(first).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("ArrowRight");
  await expect(tabs.nth(1)).toBeFocused();
  await expect(tabs.nth(1)).toHaveAttribute("aria-selected", "true");
  await expect(ttlPage.listPanel).toHaveAttribute(
    "aria-labelledby",
    (await tabs.nth(1).getAttribute("id")) ?? "missing",
  );
  await page.keyboard.press("End");
  await expect(last).toBeFocused();
  await page.keyboard.press("ArrowRight");
  await expect(first).toBeFocused();
  await page.keyboard.press("ArrowLeft");
  await expect(last).toBeFocused();
  // The tiles select a list with the mouse and hand focus to its tab; the keyboard skips them.
  const tile = ttlPage.classTile("noTtl");
  await expect(tile).not.toHaveAttribute("tabindex", /.*/);
  await tile.click();
  await expect(ttlPage.tab(/no TTL/)).toBeFocused();
  await expect(ttlPage.tab(/no TTL/)).toHaveAttribute("aria-selected", "true");
});

test("the theme button names the theme it switches to and keeps focus", async ({ page }) => {
  await open(page, "/", "light");
  const toLight = page.getByRole("button", { name: "Light theme", exact: true });
  const toDark = page.getByRole("button", { name: "Dark theme", exact: true });
  await expect(toDark).toHaveText("Dark theme");
  await toDark.focus();
  await page.keyboard.press("Enter");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await expect(toLight).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
  await expect(toDark).toBeFocused();
});

test("a range picker is a group of toggle buttons that keeps focus", async ({ page }) => {
  await open(page, "/i/demo", "light");
  const group = page.getByRole("group", { name: "Chart range" });
  const buttons = group.getByRole("button");
  await expect(buttons.first()).toBeVisible();
  const name = (await group.getByRole("button", { pressed: false }).first().textContent()) ?? "";
  const other = group.getByRole("button", { name, exact: true });
  await other.focus();
  await page.keyboard.press("Enter");
  await expect(other).toHaveAttribute("aria-pressed", "true");
  await expect(other).toBeFocused();
});

test("starting a scan keeps focus on the scan button while it runs and after", async ({ page, ttlPage }) => {
  await open(page, "/i/demo/ttl", "light");
  // The same button through its three labels.
  const button = page.getByRole("button", { name: /^(Scan now|Starting…|Scanning…)$/ });
  await button.focus();
  await page.keyboard.press("Enter");
  await expect(button).toBeFocused();
  await expect(ttlPage.scanButton).toBeVisible({ timeout: 60_000 });
  await expect(button).toBeFocused();
});
