import { expect, type Page } from "@playwright/test";
import { untilHydrated } from "./hydration";

/** A demo user of the local OpenID provider (platform/oidc/users.ts). */
export interface DemoLogin {
  email: string;
  password: string;
  name: string;
}

/**
 * Signs in through the dashboard's sign-in page and the OpenID provider's OWN login page (form
 * fields `login` and `password`, button "Sign in"), and comes back to `returnTo`.
 */
export async function signIn(page: Page, user: DemoLogin, returnTo = "/mysqlclusters") {
  await page.goto(returnTo);
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=/);
  await page.getByRole("button", { name: "Sign in with Pilothouse ID" }).click();
  // Now on the provider's origin, not the dashboard's.
  const login = page.locator('input[name="login"]');
  await expect(login).toBeVisible();
  await login.fill(user.email);
  await page.locator('input[name="password"]').fill(user.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("current-user")).toHaveText(user.name);
  // The page is server-rendered: act on it only once React owns it.
  await untilHydrated(page.getByTestId("current-user"));
}
