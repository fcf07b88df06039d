import { expect, test } from "@playwright/test";
import { alice, DEMO_NAMESPACE } from "./demo-users";
import { deleteMySQLCluster } from "./kube-admin";
import { eventId, readEventStream } from "./pages/event-stream";
import { ClusterListPage } from "./pages/cluster-list-page";
import { signIn } from "./pages/sign-in-flow";
import { csrfHeaders } from "./support/session";

const name = `e2e-sse-${Date.now().toString(36)}`;
const later = `e2e-later-${Date.now().toString(36)}`;
const url = `/api/v1/watch/mysqlclusters?namespace=${DEMO_NAMESPACE}`;

test.afterAll(async () => {
  await deleteMySQLCluster(DEMO_NAMESPACE, name);
  await deleteMySQLCluster(DEMO_NAMESPACE, later);
});

test("the watch stream: unbuffered SSE, resourceVersion ids, heartbeats, resume from Last-Event-ID", async ({
  page,
}) => {
  await signIn(page, alice);

  // A fresh stream starts with a snapshot whose id is the list's resourceVersion, and keeps the
  // connection busy with heartbeats (every 15 s, under common 30 s proxy idle timeouts).
  const first = await readEventStream(page, url, { until: ": heartbeat", timeoutMs: 25_000 });
  expect(first.status).toBe(200);
  expect(first.headers["content-type"]).toMatch(/^text\/event-stream/);
  expect(first.headers["cache-control"]).toBe("no-cache, no-transform");
  expect(first.headers["x-accel-buffering"]).toBe("no");
  expect(first.text).toMatch(/^retry: \d+\n\n/);
  expect(first.text).toContain(": heartbeat");
  const snapshotId = eventId(first.text, "snapshot");
  expect(snapshotId).toBeTruthy();

  // Something changes while nobody listens...
  const created = await page.request.post(`/api/v1/namespaces/${DEMO_NAMESPACE}/mysqlclusters`, {
    headers: await csrfHeaders(page.request),
    data: {
      metadata: { name },
      spec: { engine: "mysql", version: "8.4", replicas: 1, storage: { size: "1Gi" } },
    },
  });
  expect(created.status()).toBe(201);

  // ...and a client resuming with Last-Event-ID gets exactly that change, no snapshot.
  const resumed = await readEventStream(page, url, {
    until: `"name":"${name}"`,
    timeoutMs: 15_000,
    lastEventId: snapshotId,
  });
  expect(resumed.text).not.toContain("event: snapshot");
  expect(resumed.text).toContain("event: change");
  expect(resumed.text).toContain(`"type":"ADDED"`);
  expect(eventId(resumed.text, "change")).toBeTruthy();
});

test("the list stays live past client-node's 30 s watch limit and shows a change made elsewhere", async ({
  page,
}) => {
  await signIn(page, alice);
  const list = new ClusterListPage(page);
  await list.goto(DEMO_NAMESPACE);
  await list.expectLive();
  // Longer than client-node's 30 s abort and the 25 s server-side watch timeout.
  await page.waitForTimeout(35_000);
  await list.expectLive();

  // Created outside this page (the page's own cache knows nothing of it).
  const created = await page.request.post(`/api/v1/namespaces/${DEMO_NAMESPACE}/mysqlclusters`, {
    headers: await csrfHeaders(page.request),
    data: {
      metadata: { name: later },
      spec: { engine: "mariadb", version: "11.4", replicas: 1, storage: { size: "1Gi" } },
    },
  });
  expect(created.status()).toBe(201);
  await expect(list.row(later)).toBeVisible();
  await expect(list.ready(later)).toHaveText("True", { timeout: 90_000 });
});
