// Dev tool: screenshot a page in light and dark with the system Chromium.
//   node scripts/screenshot.mjs http://127.0.0.1:3000/ /tmp/home   -> /tmp/home-light.png, /tmp/home-dark.png
import { chromium } from "@playwright/test";

const [url, out = "/tmp/shot", width = "1400", height = "900"] = process.argv.slice(2);
if (!url) {
  console.error("usage: node scripts/screenshot.mjs URL OUT_PREFIX [WIDTH] [HEIGHT]");
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
for (const colorScheme of ["light", "dark"]) {
  const page = await browser.newPage({ colorScheme, viewport: { width: Number(width), height: Number(height) } });
  await page.goto(url, { waitUntil: "networkidle" });
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${out}-${colorScheme}.png`, fullPage: true });
  await page.close();
  console.log(`${out}-${colorScheme}.png`);
}
await browser.close();
