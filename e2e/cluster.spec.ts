// A Redis Cluster instance in a real browser: the overview's node table (3 masters, 3 replicas,
// each with its role and slots) and the TTL page listing a no-TTL key that lives on the second
// master, found by a scan that walked every master. Global setup starts the cluster and plants the key.
import { readFileSync } from "node:fs";
import { expect, freshScan, test } from "./fixtures";
import type { E2eState } from "./global-setup";
import { stateFile } from "./support/env";

const state = (): E2eState => JSON.parse(readFileSync(stateFile(), "utf8")) as E2eState;

test.describe("cluster instance", () => {
  test("the overview shows every node with its role and slots", async ({ page }) => {
    await page.goto("/i/cluster");
    const table = page.getByTestId("node-table");
    await expect(table).toBeVisible({ timeout: 30_000 });
    const rows = table.locator("tbody tr");
    await expect(rows).toHaveCount(6, { timeout: 30_000 });
    await expect(table.getByText(/^master$/i)).toHaveCount(3);
    await expect(table.getByText(/^replica$/i)).toHaveCount(3);
    // The masters' slot ranges together cover the keyspace.
    await expect(table).toContainText("0-5460");
    await expect(table).toContainText("10923-16383");
  });

  test("the TTL page lists a planted no-TTL key from the second master", async ({ ttlPage, api }) => {
    const { clusterNoTtlKey } = state();
    await freshScan(api, "cluster");
    await ttlPage.goto("cluster");
    await ttlPage.openList(/no TTL/);
    await expect(ttlPage.listPanel).toContainText(clusterNoTtlKey);
  });
});
