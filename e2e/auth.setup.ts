// Setup project: signs in through /login as each e2e user and saves the browser state, so specs
// start signed in (admin by default; `test.use({ storageState: storageStateFile("viewer") })`).
import { expect, test as setup } from "@playwright/test";
import { e2eUsers, storageStateFile, type E2eRole } from "./support/env";

for (const role of Object.keys(e2eUsers) as E2eRole[]) {
  setup(`sign in as ${role}`, async ({ page }) => {
    const { username, password } = e2eUsers[role];
    await page.goto("/login");
    await page.getByLabel("User name").fill(username);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.pathname === "/");
    await expect(page.getByTestId("user-name")).toHaveText(username);
    await page.context().storageState({ path: storageStateFile(role) });
  });
}
