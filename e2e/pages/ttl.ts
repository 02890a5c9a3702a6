// The TTL page (/i/<id>/ttl): the scan button and its progress, the class tiles, and the key lists
// (tabs, text filter, rows with their Fix and Delete actions).
import { expect, type Locator, type Page } from "@playwright/test";
import { ConfirmDialog } from "./confirm-dialog";

export class TtlPage {
  readonly scanButton: Locator;
  /** The scan mode select, offered only to roles that may start a fast scan. */
  readonly mode: Locator;
  readonly progressBar: Locator;
  /** The running scan's figures (keys, keys/s). */
  readonly progress: Locator;
  /** Which scan the figures come from, and when it finished. */
  readonly scanAge: Locator;
  readonly listTabs: Locator;
  readonly listPanel: Locator;
  readonly filter: Locator;
  readonly rows: Locator;
  readonly fixDialog: ConfirmDialog;
  readonly deleteDialog: ConfirmDialog;

  constructor(readonly page: Page) {
    this.scanButton = page.getByRole("button", { name: "Scan now" });
    this.mode = page.getByRole("combobox", { name: /Mode/ });
    this.progressBar = page.getByRole("progressbar", { name: "Scan progress" });
    this.progress = page.getByTestId("scan-progress");
    this.scanAge = page.getByTestId("scan-age");
    this.listTabs = page.getByRole("tablist", { name: "Key list" }).getByRole("tab");
    this.listPanel = page.getByRole("tabpanel");
    this.filter = page.getByLabel("Filter by key text");
    this.rows = page.getByTestId("scan-key-row");
    this.fixDialog = ConfirmDialog.named(page, "Fix the TTL of this key?");
    this.deleteDialog = ConfirmDialog.named(page, "Delete this key?");
  }

  async goto(instance = "demo"): Promise<void> {
    await this.page.goto(`/i/${instance}/ttl`);
  }

  /** A key list's tab by its name: /no TTL/, /foreign/. */
  tab(name: RegExp): Locator {
    return this.page.getByRole("tab", { name });
  }

  /** A class tile (noTtl, foreign, …): its count, and a click selects its list. */
  classTile(cls: string): Locator {
    return this.page.getByTestId(`class-${cls}`);
  }

  row(key: string): Locator {
    return this.rows.filter({ hasText: key });
  }

  /** A row's Fix or Delete button. */
  rowButton(row: Locator, action: "Fix" | "Delete"): Locator {
    return row.getByRole("button", { name: new RegExp(`^${action}`) });
  }

  async openList(tab: RegExp): Promise<void> {
    await this.tab(tab).click();
  }

  /** Opens a list filtered by `text` (default: the key itself) and answers the key's row once shown. */
  async findRow(tab: RegExp, key: string, text = key): Promise<Locator> {
    await this.openList(tab);
    await this.filter.fill(text);
    const row = this.row(key);
    await expect(row).toBeVisible();
    return row;
  }
}
