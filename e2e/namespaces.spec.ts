import { expect, test } from "@playwright/test";
import { alice, bob, DEMO_NAMESPACE, demoUser } from "./demo-users";
import { createObject, deleteObject, IDLE_SHARD, REFS } from "./pages/admin-fixtures";
import { OverviewPage } from "./pages/overview-page";
import { ResourceListPage } from "./pages/resource-list-page";
import { signIn } from "./pages/sign-in-flow";

/**
 * Users bound only by RoleBindings (no right to list namespaces) see exactly their namespaces in
 * the picker, and the overview shows every cluster of every namespace they may see.
 * Demo RBAC (platform/manifests/demo-rbac.yaml): bob views demo; alice edits demo and views
 * demo-analytics.
 */

const ANALYTICS = "demo-analytics";
const run = Date.now().toString(36);
const inDemo = `e2e-ns-m-${run}`;
const inAnalytics = `e2e-ns-k-${run}`;

test.beforeAll(async () => {
  await createObject(REFS.mysqlclusters, DEMO_NAMESPACE, {
    apiVersion: "mysql.pilothouse.dev/v1alpha1",
    kind: "MySQLCluster",
    metadata: { name: inDemo, labels: IDLE_SHARD },
    spec: { engine: "mysql", version: "8.4", replicas: 1, storage: { size: "1Gi" } },
  });
  await createObject(REFS.kafkaclusters, ANALYTICS, {
    apiVersion: "kafka.pilothouse.dev/v1alpha1",
    kind: "KafkaCluster",
    metadata: { name: inAnalytics, labels: IDLE_SHARD },
    spec: {
      kraft: {
        mode: "separate",
        controllers: { replicas: 1, storage: { size: "1Gi" } },
        brokers: { replicas: 1, storage: { size: "1Gi" } },
      },
    },
  });
});

test.afterAll(async () => {
  await deleteObject(REFS.mysqlclusters, DEMO_NAMESPACE, inDemo);
  await deleteObject(REFS.kafkaclusters, ANALYTICS, inAnalytics);
});

test("bob (viewer in demo only) is offered only demo", async ({ page }) => {
  await signIn(page, bob, "/");
  const overview = new OverviewPage(page);
  expect(await overview.namespaceChoices()).toEqual(["All namespaces", DEMO_NAMESPACE]);
  // Every namespace he may see is one: his demo cluster, never demo-analytics'.
  await expect(overview.row("mysqlclusters", inDemo)).toBeVisible();
  await expect(overview.row("kafkaclusters", inAnalytics)).toHaveCount(0);
});

test("alice sees demo and demo-analytics, and the overview shows clusters from both", async ({
  page,
}) => {
  await signIn(page, alice, "/");
  const overview = new OverviewPage(page);
  expect(await overview.namespaceChoices()).toEqual(["All namespaces", DEMO_NAMESPACE, ANALYTICS]);
  await page.keyboard.press("Escape");
  // Escape also drops a half-typed name: the input says again what is shown.
  await overview.namespacePicker().fill("ana");
  await expect(page.getByRole("option", { name: ANALYTICS })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(overview.namespacePicker()).toHaveValue("All namespaces");

  await expect(overview.row("mysqlclusters", inDemo).getByTestId("overview-namespace")).toHaveText(
    DEMO_NAMESPACE,
  );
  await expect(
    overview.row("kafkaclusters", inAnalytics).getByTestId("overview-namespace"),
  ).toHaveText(ANALYTICS);
  // Two namespaces are watched live (one stream per namespace and kind).
  await expect(overview.liveStatus).toHaveAttribute("data-status", "live");

  // Choosing a namespace keeps it in the URL and narrows the view to it.
  await overview.chooseNamespace(ANALYTICS);
  await expect(page).toHaveURL(new RegExp(`\\?namespace=${ANALYTICS}$`));
  await expect(overview.row("kafkaclusters", inAnalytics)).toBeVisible();
  await expect(overview.row("mysqlclusters", inDemo)).toHaveCount(0);
});

test("a list with All namespaces shows the objects of every namespace the user may see", async ({
  page,
}) => {
  await signIn(page, alice, `/kafkaclusters?namespace=${DEMO_NAMESPACE}`);
  const list = new ResourceListPage(page, "kafkaclusters", "Kafka clusters");
  await expect(list.row(inAnalytics)).toHaveCount(0);
  await list.chooseNamespace("All namespaces");
  await expect(page).toHaveURL(/\?namespace=\*$|\?namespace=%2A$/);
  await expect(list.row(inAnalytics)).toBeVisible();
  await list.expectLive();
});

test("over more than two namespaces the overview polls and says when it last refreshed", async ({
  page,
}) => {
  // carol is a cluster admin: she may list namespaces, and sees more than two of them.
  await signIn(page, demoUser("carol@pilothouse.dev"), "/");
  const overview = new OverviewPage(page);
  const choices = await overview.namespaceChoices();
  expect(choices.length).toBeGreaterThan(3);
  await page.keyboard.press("Escape");
  await expect(overview.liveStatus).toHaveAttribute("data-status", "polling");
  await expect(overview.liveStatus).toHaveText(/^Refreshed \d/);
  await expect(overview.row("mysqlclusters", inDemo)).toBeVisible();
  await expect(overview.row("kafkaclusters", inAnalytics)).toBeVisible();
  // The next read comes within 10 s and moves the time shown.
  const first = await overview.liveStatus.textContent();
  await expect(overview.liveStatus).not.toHaveText(first ?? "", { timeout: 15_000 });
  await expect(overview.liveStatus).toHaveAttribute("data-status", "polling");
});
