// The key browser (/i/<id>/keys): the prefix tree, the pattern search and its rows, and the open
// key's detail (name, value, TTL) with its Set TTL form.
import type { Locator, Page } from "@playwright/test";
import { ConfirmDialog } from "./confirm-dialog";

export class KeysPage {
  readonly tree: Locator;
  readonly pattern: Locator;
  readonly searchButton: Locator;
  readonly rows: Locator;
  readonly detail: Locator;
  readonly keyName: Locator;
  /** How the value is shown (e.g. "JSON (pretty-printed)"). */
  readonly valueEncoding: Locator;
  readonly valueText: Locator;
  readonly ttlCountdown: Locator;
  /** The key's pattern's standard TTL. */
  readonly standardTtl: Locator;
  readonly ttlInput: Locator;
  readonly setTtlButton: Locator;
  readonly setTtlDialog: ConfirmDialog;

  constructor(readonly page: Page) {
    this.tree = page.getByRole("navigation", { name: "Key prefixes" });
    this.pattern = page.getByLabel("Key pattern");
    this.searchButton = page.getByRole("button", { name: "Search" });
    this.rows = page.getByTestId("key-row");
    this.detail = page.getByLabel("Key detail");
    this.keyName = this.detail.getByTestId("key-name");
    this.valueEncoding = this.detail.getByTestId("value-encoding");
    this.valueText = this.detail.getByTestId("value-text");
    this.ttlCountdown = this.detail.getByTestId("ttl-countdown");
    this.standardTtl = this.detail.getByTestId("standard-ttl");
    this.ttlInput = page.getByLabel("TTL in seconds");
    this.setTtlButton = page.getByRole("button", { name: "Set TTL…" });
    this.setTtlDialog = ConfirmDialog.named(page, "Set the TTL of this key?");
  }

  /** Opens the key browser, searching `match` and/or with the key `key` open, as a link would. */
  async goto(instance = "demo", open: { match?: string; key?: string } = {}): Promise<void> {
    const query = [
      ...(open.match === undefined ? [] : [`match=${encodeURIComponent(open.match)}`]),
      ...(open.key === undefined ? [] : [`key=${Buffer.from(open.key).toString("base64url")}`]),
    ];
    await this.page.goto(`/i/${instance}/keys${query.length > 0 ? `?${query.join("&")}` : ""}`);
  }

  /** Expands a prefix in the tree (its "Open <prefix>" button). */
  async openPrefix(prefix: string): Promise<void> {
    await this.tree.getByRole("button", { name: `Open ${prefix}` }).click();
  }

  /** Selects a prefix in the tree by its label: the table then lists its keys. */
  async selectPrefix(label: string): Promise<void> {
    await this.tree.getByRole("button", { name: label, exact: true }).click();
  }

  /** A prefix's node in the tree (with its key count). */
  prefixNode(prefix: string): Locator {
    return this.tree.locator(`[data-prefix="${prefix}"]`);
  }

  row(key: string): Locator {
    return this.rows.filter({ hasText: key });
  }

  async search(pattern: string): Promise<void> {
    await this.pattern.fill(pattern);
    await this.searchButton.click();
  }

  /** Searches for the key by its full name and opens its row. */
  async openKey(key: string): Promise<void> {
    await this.search(key);
    await this.row(key).click();
  }
}
