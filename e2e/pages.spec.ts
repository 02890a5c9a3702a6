// Every page loads clean in both themes: no hydration mismatch, no uncaught error, no console
// error (the `page` fixture fails the test on any), and the favicon is served. Also: the key
// tree counts a prefix as its subtree, and a home card's firing alert links to it on the overview.
import { expect, fastScan, latestScanStatus, scanSettled, test, type Api } from "./fixtures";

const PAGES = ["/", "/audit"];
const INSTANCE_PAGES = ["", "/keys", "/ttl", "/review", "/ops", "/cache-key"];
const INSTANCES = ["demo", "chaos", "cluster"];
const paths = [...PAGES, ...INSTANCES.flatMap((id) => INSTANCE_PAGES.map((p) => `/i/${id}${p}`))];

const scanned = new Set<string>();

/** A finished scan of the instance, so the TTL, review and key pages render their data, not their empty state. */
async function ensureScan(api: Api, instance: string): Promise<void> {
  if (scanned.has(instance)) return;
  await scanSettled(api, instance);
  if ((await latestScanStatus(api, instance)) !== "done") await fastScan(api, instance);
  scanned.add(instance);
}

for (const colorScheme of ["light", "dark"] as const) {
  test.describe(`pages in the ${colorScheme} theme`, () => {
    test.use({ colorScheme });

    for (const path of paths) {
      test(`${path} renders without a page or console error`, async ({ page, api }) => {
        for (const id of INSTANCES) await ensureScan(api, id);
        const res = await page.goto(path);
        expect(res?.status(), path).toBe(200);
        await expect(page.locator("html")).toHaveAttribute("data-theme", colorScheme);
        // Let the first queries answer and render: a mismatch or a failed fetch shows up by then.
        await page.waitForLoadState("networkidle", { timeout: 5_000 }).catch(() => undefined);
        await expect(page.locator("main")).toBeVisible();
      });
    }
  });
}

test("the theme toggle switches theme without an error", async ({ page }) => {
  await page.goto("/i/demo/ops");
  const html = page.locator("html");
  const before = await html.getAttribute("data-theme");
  await page.getByTestId("theme-toggle").click();
  await expect(html).toHaveAttribute("data-theme", before === "dark" ? "light" : "dark");
});

test("the favicon is served, signed in or not", async ({ page, request }) => {
  await page.goto("/");
  await expect(page.locator('link[rel="icon"]').first()).toHaveAttribute("href", /^\/favicon\.ico/);
  const signedIn = await page.request.get("/favicon.ico");
  expect(signedIn.status()).toBe(200);
  expect(signedIn.headers()["content-type"]).toMatch(/^image\//);
  expect((await request.get("/favicon.ico")).status()).toBe(200);
});

test("the key tree counts a prefix as its whole subtree", async ({ page, keysPage, api }) => {
  await ensureScan(api, "demo");
  await keysPage.goto("demo");
  const count = async (prefix: string) => {
    const text = await page.locator(`li[data-prefix="${prefix}"] > div span.tabular`).first().innerText();
    return Number(text.replaceAll(",", "").replace("+", ""));
  };
  const isl = page.locator('li[data-prefix="isl:"]');
  await keysPage.openPrefix("isl:");
  const children = isl.locator('ul[role="group"] > li[role="treeitem"]');
  await expect(children.first()).toBeVisible();
  let childSum = 0;
  for (const prefix of await children.evaluateAll((els) =>
    els.map((e) => e.getAttribute("data-prefix") ?? ""),
  ))
    childSum += await count(prefix);
  // Not the one key literally named "isl:" (if any): every key under it.
  expect(childSum).toBeGreaterThan(1);
  expect(await count("isl:")).toBeGreaterThanOrEqual(childSum);
});

test("a home card's firing alert links to that alert, open, on the overview", async ({ page, api }) => {
  await ensureScan(api, "demo");
  await page.goto("/");
  const link = page.locator('[data-instance="demo"] [data-testid="card-alerts"] a').first();
  // The overview is sampled on an interval: the scan's alert shows up with the next sample.
  await expect(async () => {
    await page.reload();
    await expect(link).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 45_000 });
  const href = await link.getAttribute("href");
  expect(href).toMatch(/^\/i\/demo#alert-[a-z-]+$/);
  await link.click();
  await expect(page).toHaveURL((url) => `${url.pathname}${url.hash}` === href);
  const alert = page.locator(`details#${href?.split("#")[1]}`);
  await expect(alert).toHaveAttribute("open", "");
  await expect(alert).toBeInViewport();
});
