import { expect, test } from "@playwright/test";
import { alice, bob, DEMO_NAMESPACE } from "./demo-users";
import { createObject, deleteObject, IDLE_SHARD, REFS } from "./pages/admin-fixtures";
import { ResourceDetailPage } from "./pages/resource-detail-page";
import { signIn } from "./pages/sign-in-flow";
import { csrfHeaders } from "./support/session";

const run = Date.now().toString(36);
const name = `e2e-act-${run}`;
const restore = `e2e-act-restore-${run}`;
const doomed = `e2e-act-del-${run}`;
const spec = { engine: "mysql", version: "8.4", replicas: 1, storage: { size: "1Gi" } };

test.afterAll(async () => {
  await deleteObject(REFS.mysqlrestores, DEMO_NAMESPACE, restore);
  await deleteObject(REFS.mysqlclusters, DEMO_NAMESPACE, name);
  await deleteObject(REFS.mysqlclusters, DEMO_NAMESPACE, doomed);
});

test("alice stops and starts a cluster with confirmation; a running restore refuses stop", async ({
  page,
}) => {
  await signIn(page, alice);
  const created = await page.request.post(`/api/v1/namespaces/${DEMO_NAMESPACE}/mysqlclusters`, {
    data: { metadata: { name }, spec },
    headers: await csrfHeaders(page.request),
  });
  expect(created.status()).toBe(201);

  const detail = new ResourceDetailPage(page, "mysqlclusters");
  expect(await detail.goto(DEMO_NAMESPACE, name)).toBe(200);
  await detail.expectLive();
  await expect(detail.phase).toHaveText("Ready", { timeout: 60_000 });
  await expect(detail.action("stop")).toBeEnabled();
  await expect(detail.action("start")).toHaveCount(0);

  // Stop asks first; Cancel changes nothing.
  await detail.action("stop").click();
  await expect(detail.dialog).toContainText(`Stop MySQL cluster ${name}?`);
  await expect(detail.dialog).toContainText("no data is deleted");
  await detail.dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(detail.dialog).toHaveCount(0);

  await detail.runAction("stop", "Stop");
  await expect(detail.requested).toContainText("Stop requested");
  await expect(detail.phase).toHaveText("Stopped", { timeout: 60_000 });
  // Labelled Stopped only once the operator says so (Stopped=True), not when it was asked.
  await expect(page.getByTestId("detail-stopped")).toHaveText("Stopped");
  await expect(detail.action("start")).toBeVisible();
  await expect(detail.action("stop")).toHaveCount(0);

  await detail.runAction("start", "Start");
  await expect(detail.phase).not.toHaveText("Stopped", { timeout: 60_000 });
  await expect(detail.phase).toHaveText("Ready", { timeout: 60_000 });

  // A restore starts while the Stop dialog is open: the API refuses with 409, shown in the dialog.
  await detail.action("stop").click();
  await expect(detail.dialog).toBeVisible();
  await createObject(REFS.mysqlrestores, DEMO_NAMESPACE, {
    apiVersion: "mysql.pilothouse.dev/v1alpha1",
    kind: "MySQLRestore",
    // An idle shard: no operator runs it, so it stays Pending for the rest of the test.
    metadata: { name: restore, labels: IDLE_SHARD },
    spec: { backupName: `${name}-backup`, target: { clusterName: name } },
  });
  await detail.dialog.getByRole("button", { name: "Stop", exact: true }).click();
  await expect(detail.dialogError).toContainText("Refused: the resource is busy");
  await expect(detail.dialogError).toContainText(`A restore into ${name}`);
  await detail.dialog.getByRole("button", { name: "Cancel" }).click();

  // The page knows it is busy too: stop and a second restore are disabled, with the reason.
  await expect(detail.action("stop")).toHaveAttribute("aria-disabled", "true");
  await expect(detail.actionReason("stop")).toContainText(`Restore ${restore} is running`);
  await expect(detail.action("restore")).toHaveAttribute("aria-disabled", "true");
  await expect(detail.actionReason("restore")).toContainText(`Restore ${restore} is running`);
  await expect(detail.section("MySQL restores")).toContainText(restore);
  await expect(detail.phase).toHaveText("Ready");

  // Once the restore is gone, stop is offered again, live.
  await deleteObject(REFS.mysqlrestores, DEMO_NAMESPACE, restore);
  await expect(detail.action("stop")).not.toHaveAttribute("aria-disabled", "true");
  await expect(detail.actionReason("stop")).toHaveCount(0);
});

test("bob, a viewer, sees the actions disabled with the RBAC reason, and the API refuses", async ({
  page,
}) => {
  await signIn(page, bob);
  const detail = new ResourceDetailPage(page, "mysqlclusters");
  expect(await detail.goto(DEMO_NAMESPACE, name)).toBe(200);
  await detail.expectLive();
  await expect(detail.action("stop")).toHaveAttribute("aria-disabled", "true");
  await expect(detail.actionReason("stop")).toContainText(
    `Kubernetes RBAC does not allow ${bob.email}`,
  );
  await expect(detail.action("stop")).toHaveAccessibleDescription(/Kubernetes RBAC does not allow/);
  // Edit and Delete too, each with the reason as its accessible description.
  for (const id of ["edit-resource", "delete-resource"]) {
    await expect(page.getByTestId(id)).toHaveAttribute("aria-disabled", "true");
    await expect(page.getByTestId(id)).toHaveAccessibleDescription(
      /Kubernetes RBAC does not allow/,
    );
  }
  // A disabled button opens nothing.
  await detail.action("stop").click({ force: true });
  await expect(detail.dialog).toHaveCount(0);

  const refused = await page.request.post(
    `/api/v1/namespaces/${DEMO_NAMESPACE}/mysqlclusters/${name}/actions/stop`,
    { data: {}, headers: await csrfHeaders(page.request) },
  );
  expect(refused.status()).toBe(403);
  const body = (await refused.json()) as { error: { code: string; message: string } };
  expect(body.error.message).toContain(bob.email);
});

test("alice deletes a cluster from its detail page after a confirmation that says what happens to the data", async ({
  page,
}) => {
  await signIn(page, alice);
  const created = await page.request.post(`/api/v1/namespaces/${DEMO_NAMESPACE}/mysqlclusters`, {
    data: { metadata: { name: doomed }, spec: { ...spec, deletionPolicy: "Delete" } },
    headers: await csrfHeaders(page.request),
  });
  expect(created.status()).toBe(201);
  const detail = new ResourceDetailPage(page, "mysqlclusters");
  expect(await detail.goto(DEMO_NAMESPACE, doomed)).toBe(200);
  await detail.expectLive();

  await page.getByTestId("delete-resource").click();
  await expect(detail.dialog).toContainText(`Delete MySQL cluster ${doomed}?`);
  await expect(detail.dialog).toContainText(
    "deletionPolicy is Delete: its volumes and credentials are deleted.",
  );
  await detail.dialog.getByRole("button", { name: "Delete" }).click();
  await page.waitForURL(`**/mysqlclusters?namespace=${DEMO_NAMESPACE}`);
  // The operator's finalizer carries out the policy, then the object is gone.
  await expect
    .poll(
      async () =>
        (
          await page.request.get(`/api/v1/namespaces/${DEMO_NAMESPACE}/mysqlclusters/${doomed}`)
        ).status(),
      { timeout: 60_000 },
    )
    .toBe(404);
});
