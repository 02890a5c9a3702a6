// Setup project: signs in through /login as each e2e user and saves the browser state, so specs
// start signed in (admin by default; `test.use({ storageState: storageStateFile("viewer") })`).
// (The plain Playwright test, not ./fixtures: the sign-in page's 401 from /api/auth/me is expected here.)
import { expect, test as setup } from "@playwright/test";
import { SignInPage, UserMenu } from "./pages/sign-in";
import { e2eUsers, storageStateFile, type E2eRole } from "./support/env";

for (const role of Object.keys(e2eUsers) as E2eRole[]) {
  setup(`sign in as ${role}`, async ({ page }) => {
    const { username, password } = e2eUsers[role];
    const signInPage = new SignInPage(page);
    await signInPage.goto();
    await signInPage.signIn(username, password);
    // Polls the address rather than waiting for a navigation event, so it holds however the
    // browser gets there.
    await expect(page).toHaveURL((url) => url.pathname === "/", { timeout: 60_000 });
    await expect(new UserMenu(page).name).toHaveText(username);
    await page.context().storageState({ path: storageStateFile(role) });
  });
}
