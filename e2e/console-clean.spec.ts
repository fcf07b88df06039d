import { expect, test, type ConsoleMessage, type Page } from "@playwright/test";
import { alice, DEMO_NAMESPACE } from "./demo-users";
import { deleteMySQLCluster } from "./kube-admin";
import { signIn } from "./pages/sign-in-flow";
import { csrfHeaders } from "./support/session";

/**
 * The browser console stays clean on the main pages, from the OpenID provider's login page to a
 * cluster's detail page: no errors (a 404 favicon, a failed fetch, a React warning, an uncaught
 * exception) and no warnings (an unused preload, a deprecation). A noisy console hides the one
 * message that matters when a user reports a problem.
 *
 * Tolerated: none. (Chromium's "preloaded using link preload but not used" warning comes ~3 s
 * after the load event, hence the wait on each page.)
 */

const name = `e2e-console-${Date.now().toString(36)}`;

test.afterAll(async () => {
  await deleteMySQLCluster(DEMO_NAMESPACE, name);
});

/** Console errors and warnings, uncaught page errors and failed responses, with the page URL. */
function recordNoise(page: Page): string[] {
  const noise: string[] = [];
  page.on("console", (message: ConsoleMessage) => {
    if (message.type() !== "error" && message.type() !== "warning") return;
    const where = message.location().url;
    noise.push(`${message.type()} on ${page.url()}: ${message.text()} (${where})`);
  });
  page.on("pageerror", (error) => noise.push(`uncaught on ${page.url()}: ${error.message}`));
  page.on("response", (response) => {
    if (response.status() >= 400) {
      noise.push(`HTTP ${response.status()} for ${response.url()} on ${page.url()}`);
    }
  });
  return noise;
}

/** Lets the page settle past Chromium's unused-preload check (a few seconds after load). */
async function settle(page: Page) {
  await page.waitForLoadState("load");
  await page.waitForTimeout(3_500);
}

test("the login page, overview, lists, a create form, a detail page and alerts log nothing", async ({
  page,
}) => {
  const noise = recordNoise(page);
  await page.goto("/mysqlclusters");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=/);
  await settle(page);
  await page.getByRole("button", { name: "Sign in with Pilothouse ID" }).click();
  await expect(page.locator('input[name="login"]')).toBeVisible();
  // The provider's own login page (its favicon request used to answer 404).
  await settle(page);
  expect(noise).toEqual([]);
  await page.context().clearCookies();
  await signIn(page, alice);

  const created = await page.request.post(`/api/v1/namespaces/${DEMO_NAMESPACE}/mysqlclusters`, {
    data: { metadata: { name }, spec: { replicas: 1, storage: { size: "1Gi" } } },
    headers: await csrfHeaders(page.request),
  });
  expect(created.status()).toBe(201);

  const pages: [string, string | RegExp][] = [
    [`/?namespace=${DEMO_NAMESPACE}`, "Overview"],
    [`/mysqlclusters?namespace=${DEMO_NAMESPACE}`, "MySQL clusters"],
    [`/kafkaclusters?namespace=${DEMO_NAMESPACE}`, "Kafka clusters"],
    [`/mysqlbackups?namespace=${DEMO_NAMESPACE}`, "MySQL backups"],
    ["/mysqlclusters/new", "Create MySQL cluster"],
    [`/mysqlclusters/${DEMO_NAMESPACE}/${name}`, name],
    ["/alerts", "Alerts"],
  ];
  for (const [path, heading] of pages) {
    await page.goto(path);
    await expect(page.getByRole("heading", { name: heading, level: 1 })).toBeVisible();
    await settle(page);
  }
  expect(noise).toEqual([]);
});
