import { expect, test, type Page } from "@playwright/test";
import { alice, bob, DEMO_NAMESPACE } from "./demo-users";
import { ClusterListPage } from "./pages/cluster-list-page";
import { signIn } from "./pages/sign-in-flow";
import { clientFromEnv, revokeRefreshToken } from "../platform/oidc/code-flow-client";
import { accessTokenLifetimeSeconds, sessionJwt } from "./support/session";

/**
 * The session across access-token expiry. The platform's provider issues access tokens of
 * OIDC_ACCESS_TOKEN_TTL seconds (60 in the test profile); these tests wait for one to expire.
 */
const lifetime = accessTokenLifetimeSeconds();
test.setTimeout((lifetime + 120) * 1000);

test.beforeAll(() => {
  // Waiting out a longer lifetime would make the suite crawl; the test profile sets 60 s.
  expect(
    lifetime,
    "OIDC_ACCESS_TOKEN_TTL must be at most 60 s for these tests",
  ).toBeLessThanOrEqual(60);
});

/** Waits until the access token held in the session cookie has expired (and a little more). */
async function waitPastExpiry(page: Page) {
  const session = await sessionJwt(page.context());
  const expiresAt = session?.accessTokenExpiresAt ?? 0;
  const wait = expiresAt * 1000 - Date.now() + 2_000;
  if (wait > 0) await page.waitForTimeout(wait);
}

test("the session stays alive across access-token expiry, with one refresh for racing requests", async ({
  page,
}) => {
  await signIn(page, alice);
  const before = await sessionJwt(page.context());
  expect(before?.accessToken).toBeTruthy();
  expect(before?.refreshToken).toBeTruthy();
  expect((before?.accessTokenExpiresAt ?? 0) - Date.now() / 1000).toBeLessThanOrEqual(lifetime);

  // Off the console while the token expires: an open live view would reconnect and refresh
  // first (e2e/session-streams.spec.ts), and the racing calls below would find nothing to do.
  await page.goto("about:blank");
  await waitPastExpiry(page);

  // Eight API calls race past the expiry with the same cookie: all succeed, and every new
  // cookie they bring back holds the same refreshed access token (one refresh, shared).
  const responses = await Promise.all(
    Array.from({ length: 8 }, () =>
      page.request.get(`/api/v1/namespaces/${DEMO_NAMESPACE}/permissions`),
    ),
  );
  expect(responses.map((r) => r.status())).toEqual(Array(8).fill(200));
  const refreshedCookies = new Set(
    responses.flatMap((r) =>
      r
        .headersArray()
        .filter((h) => h.name.toLowerCase() === "set-cookie" && h.value.includes("session-token="))
        .map((h) => h.value),
    ),
  );
  expect(refreshedCookies.size).toBeGreaterThan(0);
  const after = await sessionJwt(page.context());
  expect(after?.accessToken).toBeTruthy();
  expect(after?.accessToken).not.toBe(before?.accessToken);
  expect(after?.accessTokenExpiresAt ?? 0).toBeGreaterThan(Date.now() / 1000);

  // The UI carries on as alice, live, with her rights.
  const list = new ClusterListPage(page);
  await list.goto(DEMO_NAMESPACE);
  await list.expectLive();
  await expect(list.createButton).toBeEnabled();
  await expect(page.getByTestId("current-user")).toHaveText(alice.name);
});

test("a refused refresh ends the session cleanly: sign-in asked, cookie cleared, API 401", async ({
  page,
}) => {
  await signIn(page, bob);
  const session = await sessionJwt(page.context());
  expect(session?.refreshToken).toBeTruthy();
  // The provider revokes the session's refresh token (as after a password change or logout
  // elsewhere); the dashboard learns it when it next needs to refresh.
  await revokeRefreshToken(clientFromEnv(), session?.refreshToken ?? "");
  // Off the console while the token expires: an open live view would meet the refused refresh
  // first and end the session itself (e2e/session-streams.spec.ts covers that path); this test is
  // about the next page load meeting it.
  await page.goto("about:blank");
  await waitPastExpiry(page);

  await page.goto(`/mysqlclusters?namespace=${DEMO_NAMESPACE}`);
  await expect(page).toHaveURL(/\/sign-in\?.*error=SessionExpired/);
  await expect(page.getByText("Your session has ended")).toBeVisible();
  expect(await sessionJwt(page.context())).toBeNull();

  const api = await page.request.get(`/api/v1/namespaces/${DEMO_NAMESPACE}/permissions`);
  expect(api.status()).toBe(401);

  // Signing in again starts a fresh session (the provider still knows bob: no password asked).
  await page.getByRole("button", { name: "Sign in with Pilothouse ID" }).click();
  await expect(page.getByTestId("current-user")).toHaveText(bob.name);
  const fresh = await sessionJwt(page.context());
  expect(fresh?.refreshToken).toBeTruthy();
  expect(fresh?.refreshToken).not.toBe(session?.refreshToken);
});
