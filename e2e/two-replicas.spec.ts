import { expect, test } from "@playwright/test";
import { spawn, type ChildProcess } from "node:child_process";
import { alice, DEMO_NAMESPACE } from "./demo-users";
import { deleteMySQLCluster } from "./kube-admin";
import { ClusterListPage } from "./pages/cluster-list-page";
import { signIn } from "./pages/sign-in-flow";
import { startRoundRobinProxy, type RoundRobinProxy } from "./support/round-robin-proxy";
import { csrfHeaders } from "./support/session";

/**
 * Two dashboard replicas behind a round-robin proxy without sticky sessions: the platform's
 * dashboard (replica 0) and a second `next start` of the same build with the same environment
 * — the same NEXTAUTH_SECRET, so a session cookie issued by one is valid on the other — started
 * here (replica 1). Every request goes to the next replica in turn, so the pages, the API calls
 * and each (re)connection of the event stream land on either replica.
 *
 * The OpenID provider redirects back to NEXTAUTH_URL (replica 0 directly); the session cookie is
 * set for the host `localhost`, which the proxy shares (cookies are not port-scoped).
 *
 * PILOTHOUSE_E2E_REPLICA_DIR: the folder whose `.next` build the second replica serves (the
 * first replica's; default: the working directory).
 */

const first = new URL(process.env.PILOTHOUSE_DASHBOARD_URL ?? "http://localhost:3000");
const secondPort = Number(first.port) + 11;
const proxyPort = Number(first.port) + 10;
const suffix = Date.now().toString(36);
const viaApi = `e2e-rr-api-${suffix}`;
const afterCut = `e2e-rr-cut-${suffix}`;

let replica: ChildProcess | undefined;
let proxy: RoundRobinProxy;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  replica = spawn("npx", ["next", "start", "-p", String(secondPort), "-H", "127.0.0.1"], {
    cwd: process.env.PILOTHOUSE_E2E_REPLICA_DIR ?? process.cwd(),
    env: {
      ...process.env,
      PILOTHOUSE_DASHBOARD_KUBECONFIG:
        process.env.DASHBOARD_KUBECONFIG_OVERRIDE ?? process.env.PILOTHOUSE_DASHBOARD_KUBECONFIG,
    },
    stdio: "ignore",
    detached: true,
  });
  const deadline = Date.now() + 90_000;
  for (;;) {
    const up = await fetch(`http://127.0.0.1:${secondPort}/api/healthz`).then(
      (r) => r.status < 500,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error("the second replica did not start");
    await new Promise((r) => setTimeout(r, 500));
  }
  proxy = await startRoundRobinProxy(
    [`http://127.0.0.1:${first.port}`, `http://127.0.0.1:${secondPort}`],
    proxyPort,
  );
});

test.afterAll(async () => {
  await proxy?.close();
  // The whole process group of `npx next start` (npx and the Next.js server under it).
  if (replica?.pid) process.kill(-replica.pid, "SIGTERM");
  await deleteMySQLCluster(DEMO_NAMESPACE, viaApi);
  await deleteMySQLCluster(DEMO_NAMESPACE, afterCut);
});

const watchRequests = () => proxy.served.filter((r) => r.path.startsWith("/api/v1/watch/"));

test("sign-in, live list, create and a resumed event stream work across two replicas without sticky sessions", async ({
  page,
}) => {
  await signIn(page, alice);

  // Every request goes to the next replica: load the page until each replica has served it
  // (an extra request between loads shifts the rotation); both know the session.
  const pageLoads = () => proxy.served.filter((r) => r.path.startsWith("/mysqlclusters"));
  for (let i = 0; i < 6 && new Set(pageLoads().map((r) => r.replica)).size < 2; i++) {
    if (i > 0) await page.request.get(`${proxy.url}/api/healthz`);
    await page.goto(`${proxy.url}/mysqlclusters?namespace=${DEMO_NAMESPACE}`);
    await expect(page.getByTestId("current-user")).toHaveText(alice.name);
  }
  expect(new Set(pageLoads().map((r) => r.replica))).toEqual(new Set([0, 1]));

  const list = new ClusterListPage(page);
  await list.expectLive();

  // A refused stream is a JSON 403 before any event, from whichever replica answers.
  for (let i = 0; i < 2; i++) {
    const refused = await page.request.get(
      `${proxy.url}/api/v1/watch/mysqlclusters?namespace=kube-system`,
    );
    expect(refused.status()).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: "Forbidden" } });
  }

  // Create through the proxy (CSRF token and the POST may come from different replicas).
  const created = await page.request.post(
    `${proxy.url}/api/v1/namespaces/${DEMO_NAMESPACE}/mysqlclusters`,
    {
      headers: await csrfHeaders(page.request),
      data: {
        metadata: { name: viaApi },
        spec: { engine: "mysql", version: "8.4", replicas: 1, storage: { size: "1Gi" } },
      },
    },
  );
  expect(created.status()).toBe(201);
  await expect(list.row(viaApi)).toBeVisible();

  // Cut the event stream until the browser's reconnect lands on the OTHER replica; it must
  // carry Last-Event-ID, and the view must be live again and keep receiving changes.
  let resumedElsewhere = false;
  for (let attempt = 0; attempt < 6 && !resumedElsewhere; attempt++) {
    const before = watchRequests();
    const current = before.at(-1);
    expect(current).toBeDefined();
    expect(proxy.cutEventStreams()).toBeGreaterThan(0);
    await expect
      .poll(() => watchRequests().length, { timeout: 15_000 })
      .toBeGreaterThan(before.length);
    const reconnect = watchRequests().at(-1);
    expect(reconnect?.lastEventId).toBeTruthy();
    resumedElsewhere = reconnect?.replica !== current?.replica && reconnect?.status === 200;
    await list.expectLive();
  }
  expect(resumedElsewhere).toBe(true);

  const again = await page.request.post(
    `${proxy.url}/api/v1/namespaces/${DEMO_NAMESPACE}/mysqlclusters`,
    {
      headers: await csrfHeaders(page.request),
      data: {
        metadata: { name: afterCut },
        spec: { engine: "mariadb", version: "11.4", replicas: 1, storage: { size: "1Gi" } },
      },
    },
  );
  expect(again.status()).toBe(201);
  await expect(list.row(afterCut)).toBeVisible();
  await expect(list.row(viaApi)).toBeVisible();
  await list.expectLive();
});
