// The ops page (/i/<id>/ops): the config checklist with its fix lines, the latency chart, clients,
// the slow log, and the Danger zone's FLUSHDB.
import type { Locator, Page } from "@playwright/test";
import { ConfirmDialog } from "./confirm-dialog";

export class OpsPage {
  readonly checklist: Locator;
  /** Every check's row. */
  readonly checks: Locator;
  readonly latencyChart: Locator;
  readonly clientsByName: Locator;
  readonly slowlog: Locator;
  readonly dangerZone: Locator;
  readonly flushButton: Locator;

  constructor(readonly page: Page) {
    this.checklist = page.getByTestId("config-checklist");
    this.checks = this.checklist.locator("tr[data-check]");
    this.latencyChart = page.getByTestId("latency-chart");
    this.clientsByName = page.getByTestId("clients-by-name");
    this.slowlog = page.getByTestId("slowlog");
    this.dangerZone = page.getByRole("region", { name: "Danger zone" });
    this.flushButton = this.dangerZone.getByRole("button", { name: "Flush database…" });
  }

  async goto(instance = "demo"): Promise<void> {
    await this.page.goto(`/i/${instance}/ops`);
  }

  /** One check's row, by its id (e.g. "maxmemory-policy"). */
  check(id: string): Locator {
    return this.checklist.locator(`tr[data-check="${id}"]`);
  }

  /** The FLUSHDB confirmation for the instance. */
  flushDialog(instance: string): ConfirmDialog {
    return ConfirmDialog.named(this.page, new RegExp(`Flush every key of ${instance}`));
  }
}
