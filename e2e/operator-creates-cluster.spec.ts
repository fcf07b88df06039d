import { expect, test } from "@playwright/test";
import { alice, DEMO_NAMESPACE } from "./demo-users";
import { deleteMySQLCluster } from "./kube-admin";
import { ClusterDetailPage } from "./pages/cluster-detail-page";
import { ClusterListPage } from "./pages/cluster-list-page";
import { CreateClusterPage } from "./pages/create-cluster-page";
import { signIn } from "./pages/sign-in-flow";
import { csrfHeaders } from "./support/session";

const name = `e2e-${Date.now().toString(36)}`;

test.afterAll(async () => {
  await deleteMySQLCluster(DEMO_NAMESPACE, name);
});

test("an operator creates a cluster with the form and watches it become Ready, live", async ({
  page,
}) => {
  await signIn(page, alice);
  const list = new ClusterListPage(page);
  await list.goto(DEMO_NAMESPACE);
  await list.expectLive();
  await expect(list.createButton).toBeEnabled();

  // A marker on the window: if the page reloads, it is gone.
  await page.evaluate(() => {
    (window as unknown as { noReload: boolean }).noReload = true;
  });

  await list.createButton.click();
  const form = new CreateClusterPage(page);
  await expect(form.field("Namespace")).toHaveValue(DEMO_NAMESPACE);

  // Browser-side validation with the CRD's schema: field-level errors, nothing sent.
  await form.fill({ name: "Not_A_Name", replicas: "12", storageSize: "ten" });
  await form.submit();
  await expect(form.fieldMessage("Name")).toContainText("must start with a lower case letter");
  await expect(form.fieldMessage("Replicas")).toContainText("must be at most 9");
  await expect(form.fieldMessage("Storage size")).toContainText("must be a quantity");
  // The CRD's name rule (52 characters), one message per field, and a zero size said plainly.
  await form.fill({ name: "a".repeat(53), replicas: "1e308", storageSize: "0Gi" });
  await form.submit();
  await expect(form.fieldMessage("Name")).toContainText("must be at most 52 characters");
  await expect(form.fieldMessage("Replicas")).toHaveCount(1);
  await expect(form.fieldMessage("Replicas")).toContainText("must be at most 9");
  await expect(form.fieldMessage("Storage size")).toContainText("must be greater than zero");

  // One create however fast the button is clicked (after its server dry run); then the new
  // cluster's own page.
  const posts: string[] = [];
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (r.method() === "POST" && url.pathname.endsWith("/mysqlclusters") && !url.search) {
      posts.push(r.url());
    }
  });
  await form.fill({ name, replicas: "1", storageSize: "1Gi" });
  await form.createButton.dblclick();
  const detail = new ClusterDetailPage(page);
  await expect(page).toHaveURL(new RegExp(`/mysqlclusters/${DEMO_NAMESPACE}/${name}$`));
  await expect(detail.heading(name)).toBeVisible();
  expect(posts).toHaveLength(1);

  // Back on the list: the cluster is there, then the operator brings it to Ready — all pushed
  // over the watch stream, without a reload.
  await page.getByRole("link", { name: `MySQL clusters in ${DEMO_NAMESPACE}` }).click();
  await expect(list.row(name)).toBeVisible();
  await expect(list.ready(name)).toHaveText("True", { timeout: 90_000 });
  await expect(list.phase(name)).toHaveText("Ready");
  await expect(list.replicas(name)).toHaveText("1/1");
  await list.expectLive();
  expect(await page.evaluate(() => (window as unknown as { noReload?: boolean }).noReload)).toBe(
    true,
  );

  // The detail page: spec, status and the conditions table.
  await list.row(name).getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  await expect(page.getByTestId("detail-phase")).toHaveText("Ready");
  await expect(page.getByTestId("condition-Ready")).toContainText("True");

  // A server-side refusal lands on its field: the name is taken (409 AlreadyExists).
  await page.goto(`/mysqlclusters/new?namespace=${DEMO_NAMESPACE}`);
  await form.fill({ name, replicas: "1", storageSize: "1Gi" });
  await form.submit();
  await expect(form.fieldMessage("Name")).toContainText("a MySQL cluster with this name exists");
});

test("the API validates bodies itself and answers 422 with field paths", async ({ page }) => {
  await signIn(page, alice);
  const response = await page.request.post(`/api/v1/namespaces/${DEMO_NAMESPACE}/mysqlclusters`, {
    headers: await csrfHeaders(page.request),
    data: { metadata: { name: "x" }, spec: { replicas: 12, storage: { size: "1Gi" } } },
  });
  expect(response.status()).toBe(422);
  const body = (await response.json()) as { error: { code: string; causes: { field?: string }[] } };
  expect(body.error.code).toBe("Invalid");
  expect(body.error.causes.map((c) => c.field)).toContain("spec.replicas");
});

test("the API refuses unknown fields, oversized and too deep bodies", async ({ page }) => {
  await signIn(page, alice);
  const path = `/api/v1/namespaces/${DEMO_NAMESPACE}/mysqlclusters`;
  const unknown = await page.request.post(path, {
    headers: await csrfHeaders(page.request),
    data: {
      metadata: { name: "x", uid: "u" },
      spec: { replica: 2, storage: { size: "1Gi", sizee: "2Gi" } },
      extra: true,
    },
  });
  expect(unknown.status()).toBe(422);
  const body = (await unknown.json()) as { error: { causes: { field?: string }[] } };
  expect(body.error.causes.map((c) => c.field)).toEqual(
    expect.arrayContaining(["extra", "metadata.uid", "spec.replica", "spec.storage.sizee"]),
  );

  const big = await page.request.post(path, {
    headers: { "content-type": "application/json", ...(await csrfHeaders(page.request)) },
    data: JSON.stringify({ pad: "x".repeat(200 * 1024) }),
  });
  expect(big.status()).toBe(413);

  const deep = await page.request.post(path, {
    headers: { "content-type": "application/json", ...(await csrfHeaders(page.request)) },
    data: "[".repeat(1000) + "]".repeat(1000),
  });
  expect(deep.status()).toBe(400);
});
