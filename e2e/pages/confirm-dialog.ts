// The confirmation every guarded action asks before it writes: the keys it names, a reason, and
// the confirm and Cancel buttons.
import type { Locator, Page } from "@playwright/test";

export class ConfirmDialog {
  /** The keys the action would touch, as the dialog lists them. */
  readonly keys: Locator;
  readonly reason: Locator;
  readonly cancelButton: Locator;

  constructor(readonly root: Locator) {
    this.keys = root.getByTestId("confirm-keys");
    this.reason = root.getByLabel("Reason");
    this.cancelButton = root.getByRole("button", { name: "Cancel" });
  }

  /** The dialog with this accessible name (its title). */
  static named(page: Page, name: string | RegExp): ConfirmDialog {
    return new ConfirmDialog(page.getByRole("dialog", { name }));
  }

  button(name: string): Locator {
    return this.root.getByRole("button", { name });
  }

  async cancel(): Promise<void> {
    await this.cancelButton.click();
  }

  /** Gives the reason and presses the confirm button (named after the action). */
  async confirm(reason: string, button: string): Promise<void> {
    await this.reason.fill(reason);
    await this.button(button).click();
  }
}
