// The sign-in page (/login) and the user menu every signed-in page shows: signing in and out as a
// person does, and reading who the console thinks is signed in.
import type { Locator, Page } from "@playwright/test";

export class SignInPage {
  readonly userName: Locator;
  readonly password: Locator;
  readonly submit: Locator;
  /** The form's error line (e.g. a wrong password). */
  readonly error: Locator;

  constructor(readonly page: Page) {
    this.userName = page.getByLabel("User name");
    this.password = page.getByLabel("Password");
    this.submit = page.getByRole("button", { name: "Sign in" });
    this.error = page.locator("form").getByRole("alert");
  }

  /** Opens /login; `search` is sent as written (e.g. "?next=//evil.example/x"). */
  async goto(search = ""): Promise<void> {
    await this.page.goto(`/login${search}`);
  }

  /** Fills the form and submits it; where it lands is the caller's to check. */
  async signIn(username: string, password: string): Promise<void> {
    await this.userName.fill(username);
    await this.password.fill(password);
    await this.submit.click();
  }
}

export class UserMenu {
  readonly root: Locator;
  /** The signed-in name: shown once /api/auth/me answered, so the page knows the caller's role. */
  readonly name: Locator;
  readonly role: Locator;
  readonly signOutButton: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId("user-menu");
    this.name = page.getByTestId("user-name");
    this.role = page.getByTestId("user-role");
    this.signOutButton = page.getByRole("button", { name: "Sign out" });
  }

  async signOut(): Promise<void> {
    await this.signOutButton.click();
  }
}
