// The cache-key calculator in a real browser against the demo Redis: a pasted request (keys in
// another order, other spacing) gives the key ISL computes, the page finds the planted key with
// its TTL and size and opens it in the key browser; an unsorted list is flagged with its path.
// Each test plants its own keys and removes them.
import { createHash } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "./fixtures";

/** json.dumps(data, sort_keys=True, separators=(",", ":")) of REQUEST, checked with CPython 3.11. */
const CANONICAL =
  '{"interventions":{"marketing":0.25,"price":12},"samples":500,"scenario":"e2e-cache-key","seed":7}';
/** sha256(CANONICAL)[:16] as CPython's hashlib gives it. */
const HASH = "6aae1209d8c3a692";
const KEY = `isl:result:${createHash("sha256").update(CANONICAL).digest("hex").slice(0, 16)}`;
/** The same request as a client might send it: keys in another order, spaces and newlines. */
const REQUEST = `{
  "samples": 500,
  "seed": 7,
  "interventions": { "price": 12, "marketing": 0.25 },
  "scenario": "e2e-cache-key"
}`;

/** An unsorted list: the same set in another order would be another key. */
const UNSORTED = '{"scenario": "e2e-cache-key-warn", "inputs": ["beta", "alpha"]}';
const UNSORTED_KEY = "isl:result:2b632ec447f79b4e";

test.describe("cache-key calculator", () => {
  test.afterEach(({ demo }) => {
    demo.cli("DEL", KEY, UNSORTED_KEY);
  });

  test("computes ISL's key for a pasted request, finds it with its TTL and size, and opens it", async ({
    page,
    keysPage,
    demo,
  }) => {
    expect(KEY).toBe(`isl:result:${HASH}`);
    demo.cli("SET", KEY, '{"mean":42.5,"samples":500}', "EX", "21600");

    await page.goto("/i/demo/cache-key");
    await expect(page.getByRole("link", { name: "Cache key" })).toHaveAttribute("aria-current", "page");
    await page.getByLabel("Pattern").selectOption("result");
    await expect(page.getByTestId("pattern-template")).toHaveText("isl:result:{request_hash}");
    await page.getByLabel("Request JSON", { exact: true }).fill(REQUEST);
    await page.getByRole("button", { name: "Compute", exact: true }).click();

    const result = page.getByTestId("cache-key-result");
    await expect(result.getByTestId("cache-key")).toHaveText(KEY);
    await expect(result.getByTestId("cache-key-canonical")).toHaveText(CANONICAL);
    await expect(result.getByTestId("cache-key-sha256")).toHaveText(
      createHash("sha256").update(CANONICAL).digest("hex"),
    );
    await expect(result.getByTestId("cache-key-exists")).toContainText("exists");
    await expect(result.getByTestId("cache-key-ttl")).toHaveText(/^(6 h|5 h 59 min) left$/);
    await expect(result.getByTestId("cache-key-bytes")).toHaveText(/^\d+ B$/);
    await expect(result.getByTestId("cache-key-warnings")).toContainText("no look-alike risks");

    await result.getByRole("link", { name: "Open in the key browser" }).click();
    await expect(page).toHaveURL(/\/i\/demo\/keys\?.*key=/);
    await expect(keysPage.keyName).toHaveText(KEY);
    await expect(keysPage.ttlCountdown).toHaveText(/^(6 h|5 h 59 min( \d+ s)?)$/);
  });

  test("flags an unsorted list by its JSON path, says a missing key is not in Redis (Ctrl+Enter)", async ({
    page,
  }) => {
    await page.goto("/i/demo/cache-key");
    const request = page.getByLabel("Request JSON", { exact: true });
    await request.fill(UNSORTED);
    await request.press("Control+Enter");

    const result = page.getByTestId("cache-key-result");
    await expect(result.getByTestId("cache-key")).toHaveText(UNSORTED_KEY);
    await expect(result.getByTestId("cache-key-exists")).toContainText("not in Redis");
    const warnings = result.getByTestId("cache-key-warnings");
    await expect(warnings).toContainText("1 warning");
    const item = warnings.locator('li[data-kind="unsortedList"]');
    await expect(item).toContainText("$.inputs");
    await expect(item).toContainText("not sorted");
  });

  test("compares two requests: 12 and 12.0 are different keys, and says where they part", async ({
    page,
  }) => {
    await page.goto("/i/demo/cache-key");
    await page.getByLabel("Request JSON", { exact: true }).fill(REQUEST);
    await page.getByLabel("Compare with a second request").check();
    await page.getByLabel("Second request JSON").fill(REQUEST.replace('"price": 12', '"price": 12.0'));
    await page.getByRole("button", { name: "Compute", exact: true }).click();

    const comparison = page.getByTestId("cache-key-comparison");
    await expect(comparison).toContainText("different keys");
    await expect(comparison).toContainText(`first differ at character ${CANONICAL.indexOf("12}") + 3}`);
    await expect(page.locator('li[data-kind="integralFloat"]')).toContainText("$.interventions.price");
  });
});

test.describe("cache-key calculator, accessibility", () => {
  for (const colorScheme of ["light", "dark"] as const) {
    test(`a comparison with warnings has no serious axe violation and fits 390 px (${colorScheme})`, async ({
      page,
    }) => {
      await page.emulateMedia({ colorScheme });
      await page.addInitScript((t) => localStorage.setItem("isl-theme", t), colorScheme);
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto("/i/demo/cache-key");
      await expect(page.locator("html")).toHaveAttribute("data-theme", colorScheme);
      await page.getByLabel("Request JSON", { exact: true }).fill(UNSORTED);
      await page.getByLabel("Compare with a second request").check();
      await page.getByLabel("Second request JSON").fill(REQUEST.replace('"price": 12', '"price": 12.0'));
      await page.getByRole("button", { name: "Compute", exact: true }).click();
      await expect(page.getByTestId("cache-key-comparison")).toContainText("different keys");
      const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
      const bad = results.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map(
          (v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.map((n) => n.target.join(" ")).join("\n  ")}`,
        );
      expect(bad, bad.join("\n")).toEqual([]);
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
      }));
      expect(scrollWidth).toBe(innerWidth);
    });
  }
});

test.describe("cache-key calculator, malformed input", () => {
  // The API's 400 answer is what this test provokes; Chromium logs it as a failed load.
  test.use({
    allowPageErrors: [/status of 400 \(Bad Request\) \(http:\/\/[^)]+\/api\/instances\/demo\/cache-key\)$/],
  });

  test("shows Python's message and position for malformed JSON", async ({ page }) => {
    await page.goto("/i/demo/cache-key");
    await page.getByLabel("Request JSON", { exact: true }).fill('{"a": 1 "b": 2}');
    await page.getByRole("button", { name: "Compute", exact: true }).click();
    await expect(page.getByTestId("cache-key-error")).toContainText(
      "Expecting ',' delimiter: line 1 column 9 (char 8)",
    );
    await page.getByRole("button", { name: "Show the position in the request" }).click();
    const box = page.getByLabel("Request JSON", { exact: true });
    await expect(box).toBeFocused();
    expect(await box.evaluate((el: HTMLTextAreaElement) => [el.selectionStart, el.selectionEnd])).toEqual([
      8, 9,
    ]);
  });
});
