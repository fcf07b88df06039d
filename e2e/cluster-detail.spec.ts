import { expect, test } from "@playwright/test";
import { alice, DEMO_NAMESPACE } from "./demo-users";
import { deleteMySQLCluster } from "./kube-admin";
import { ClusterDetailPage } from "./pages/cluster-detail-page";
import { signIn } from "./pages/sign-in-flow";
import { csrfHeaders } from "./support/session";

const name = `e2e-detail-${Date.now().toString(36)}`;
const spec = { engine: "mysql", version: "8.4", replicas: 1, storage: { size: "1Gi" } };

test.afterAll(async () => {
  await deleteMySQLCluster(DEMO_NAMESPACE, name);
});

test("a missing cluster is a real 404, an invalid name the app's own not-found page", async ({
  page,
}) => {
  await signIn(page, alice);
  const detail = new ClusterDetailPage(page);
  expect(await detail.goto(DEMO_NAMESPACE, "no-such-cluster")).toBe(404);
  await expect(detail.notFound).toBeVisible();
  await expect(detail.liveStatus).toHaveCount(0);

  expect(await detail.goto(DEMO_NAMESPACE, "9-starts-with-a-digit")).toBe(404);
  await expect(detail.notFound).toBeVisible();
  await expect(page).toHaveTitle("Not found · Pilothouse");
});

test("a deleted cluster says so, and shows up again when re-created", async ({ page }) => {
  await signIn(page, alice);
  const create = async () =>
    page.request.post(`/api/v1/namespaces/${DEMO_NAMESPACE}/mysqlclusters`, {
      data: { metadata: { name }, spec },
      headers: await csrfHeaders(page.request),
    });
  expect((await create()).status()).toBe(201);

  const detail = new ClusterDetailPage(page);
  expect(await detail.goto(DEMO_NAMESPACE, name)).toBe(200);
  await expect(detail.heading(name)).toBeVisible();
  await expect(page).toHaveTitle(`${name} · MySQL cluster · Pilothouse`);
  await detail.expectLive();

  await deleteMySQLCluster(DEMO_NAMESPACE, name);
  await expect(detail.deleted).toContainText(/Deleted at \d/, { timeout: 60_000 });

  // Same name again (once the old one is gone for good): the page follows the new object.
  await expect.poll(async () => (await create()).status(), { timeout: 60_000 }).toBe(201);
  await expect(detail.deleted).toHaveCount(0);
  await expect(detail.heading(name)).toBeVisible();
  await detail.expectLive();
});
