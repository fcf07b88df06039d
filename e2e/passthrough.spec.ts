import { expect, test, type Browser, type BrowserContext } from "@playwright/test";
import { AuthorizationV1Api, CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { Agent, fetch } from "undici";
import { alice, bob, DEMO_NAMESPACE } from "./demo-users";
import { deleteMySQLCluster } from "./kube-admin";
import { ClusterListPage } from "./pages/cluster-list-page";
import { signIn } from "./pages/sign-in-flow";
import { csrfHeaders, sessionJwt } from "./support/session";

/**
 * Token passthrough through the dashboard: a second `next start` of the same build with
 * `PILOTHOUSE_KUBE_AUTH=passthrough`, started here on the dashboard port + 12. It signs users in
 * through the https OpenID issuer that the apiserver trusts (OIDC_HTTPS_ISSUER, run by the
 * platform: services.sh `start_oidc_https`) and trusts the platform CA (NODE_EXTRA_CA_CERTS). Its
 * watch hub uses the read-only ServiceAccount `pilothouse-dashboard-watch`
 * (PILOTHOUSE_WATCH_KUBECONFIG), which may not impersonate. Neither of the dashboard's identities
 * may create clusters, so whatever a user creates, the apiserver authenticated from the user's
 * own ID token (which the apiserver is asked about directly, from the session the dashboard holds).
 *
 * Chromium does not know the platform CA: the contexts here ignore HTTPS errors (the issuer's
 * login page is the only https origin).
 *
 * PILOTHOUSE_E2E_REPLICA_DIR: the folder whose `.next` build is served (default: the working
 * directory).
 */

const first = new URL(process.env.PILOTHOUSE_DASHBOARD_URL ?? "http://localhost:3000");
const port = Number(first.port) + 12;
const baseURL = `http://localhost:${port}`;
const name = `e2e-pt-${Date.now().toString(36)}`;
const body = (n: string) => ({
  metadata: { name: n },
  spec: { engine: "mysql", version: "8.4", replicas: 1, storage: { size: "1Gi" } },
});

let dashboard: ChildProcess | undefined;

test.describe.configure({ mode: "serial" });

function required(variable: string): string {
  const value = process.env[variable];
  if (!value) throw new Error(`${variable} is not set: source the platform's env.sh`);
  return value;
}

const newContext = (browser: Browser): Promise<BrowserContext> =>
  browser.newContext({ baseURL, ignoreHTTPSErrors: true });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  dashboard = spawn("npx", ["next", "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: process.env.PILOTHOUSE_E2E_REPLICA_DIR ?? process.cwd(),
    env: {
      ...process.env,
      PILOTHOUSE_KUBE_AUTH: "passthrough",
      OIDC_ISSUER: required("OIDC_HTTPS_ISSUER"),
      NODE_EXTRA_CA_CERTS: required("PILOTHOUSE_CA_FILE"),
      PILOTHOUSE_DASHBOARD_KUBECONFIG:
        process.env.DASHBOARD_KUBECONFIG_OVERRIDE ?? required("PILOTHOUSE_DASHBOARD_KUBECONFIG"),
      PILOTHOUSE_WATCH_KUBECONFIG: required("PILOTHOUSE_WATCH_KUBECONFIG"),
      NEXTAUTH_URL: baseURL,
      PILOTHOUSE_DASHBOARD_URL: baseURL,
    },
    stdio: "ignore",
    detached: true,
  });
  const deadline = Date.now() + 90_000;
  for (;;) {
    const up = await fetch(`http://127.0.0.1:${port}/api/healthz`).then(
      (r) => r.status < 500,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error("the passthrough dashboard did not start");
    await new Promise((r) => setTimeout(r, 500));
  }
});

test.afterAll(async () => {
  // The whole process group of `npx next start` (npx and the Next.js server under it).
  if (dashboard?.pid) process.kill(-dashboard.pid, "SIGTERM");
  await deleteMySQLCluster(DEMO_NAMESPACE, name);
});

/** Whether the identity of a kubeconfig may do something, as the apiserver answers it. */
async function may(kubeconfig: string, attributes: Record<string, string>) {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const review = await kc.makeApiClient(AuthorizationV1Api).createSelfSubjectAccessReview({
    body: { spec: { resourceAttributes: { namespace: DEMO_NAMESPACE, ...attributes } } },
  });
  return review.status?.allowed;
}

/** The user the apiserver authenticates from a bearer token (SelfSubjectReview). */
async function apiserverUser(token: string) {
  const kc = new KubeConfig();
  kc.loadFromFile(required("KUBECONFIG"));
  const server = kc.getCurrentCluster()?.server ?? "";
  const dispatcher = new Agent({ connect: { ca: readFileSync(required("PILOTHOUSE_CA_FILE")) } });
  const response = await fetch(`${server}/apis/authentication.k8s.io/v1/selfsubjectreviews`, {
    method: "POST",
    dispatcher,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" }),
  });
  expect(response.status).toBe(201);
  const review = (await response.json()) as {
    status: { userInfo: { username: string; groups: string[] } };
  };
  return review.status.userInfo;
}

const group = "mysql.pilothouse.dev";

test("neither of the dashboard's own identities may create clusters; the watch one may not impersonate", async () => {
  const dashboardKubeconfig = required("PILOTHOUSE_DASHBOARD_KUBECONFIG");
  const watchKubeconfig = required("PILOTHOUSE_WATCH_KUBECONFIG");
  for (const kubeconfig of [dashboardKubeconfig, watchKubeconfig]) {
    expect(await may(kubeconfig, { verb: "create", group, resource: "mysqlclusters" })).toBe(false);
  }
  expect(
    await may(watchKubeconfig, { verb: "impersonate", resource: "users", namespace: "" }),
  ).toBe(false);
  expect(await may(watchKubeconfig, { verb: "watch", group, resource: "mysqlclusters" })).toBe(
    true,
  );
});

test("alice lists and creates a MySQLCluster with her own token; the live list shows it", async ({
  browser,
}) => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await signIn(page, alice);
  // The sign-in went through the https issuer the apiserver trusts, not the platform's http one.
  const list = new ClusterListPage(page);
  await list.goto(DEMO_NAMESPACE);
  await list.expectLive();
  await expect(list.createButton).not.toHaveAttribute("aria-disabled", "true");

  // The dashboard's identity cannot create (see above): a 201 means the apiserver took alice's
  // ID token and her RBAC (edit in demo) allowed it.
  const created = await page.request.post(`/api/v1/namespaces/${DEMO_NAMESPACE}/mysqlclusters`, {
    headers: await csrfHeaders(page.request),
    data: body(name),
  });
  expect(created.status()).toBe(201);
  await expect(list.row(name)).toBeVisible();
  await list.expectLive();

  // The token the dashboard forwards for this session is alice's, by the apiserver's own account.
  const session = await sessionJwt(context);
  expect(typeof session?.idToken).toBe("string");
  const seen = await apiserverUser(String(session?.idToken));
  expect(seen.username).toBe(alice.email);
  expect(seen.groups).toContain("pilothouse:operators");

  // The audit trail still works in this mode: an Event on the target names alice.
  const admin = new KubeConfig();
  admin.loadFromFile(required("KUBECONFIG"));
  await expect
    .poll(async () => {
      const events = await admin.makeApiClient(CoreV1Api).listNamespacedEvent({
        namespace: DEMO_NAMESPACE,
        fieldSelector: `involvedObject.name=${name},reason=DashboardCreate`,
      });
      return events.items.map((e) => e.message ?? "");
    })
    .toContain(
      `${alice.email} created MySQLCluster ${DEMO_NAMESPACE}/${name} through the dashboard`,
    );

  const listed = await page.request.get(`/api/v1/mysqlclusters?namespace=${DEMO_NAMESPACE}`);
  expect(listed.status()).toBe(200);
  expect(JSON.stringify(await listed.json())).toContain(`"name":"${name}"`);
  await context.close();
});

test("bob (viewer) sees the live list, and the apiserver refuses his create with 403", async ({
  browser,
}) => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await signIn(page, bob);
  const list = new ClusterListPage(page);
  await list.goto(DEMO_NAMESPACE);
  await list.expectLive();
  await expect(list.row(name)).toBeVisible();
  // The rules review went with bob's token too.
  await expect(list.createButton).toHaveAttribute("aria-disabled", "true");
  await expect(list.disabledReason).toContainText(
    `Kubernetes RBAC does not allow ${bob.email} (groups: pilothouse:viewers) to create MySQL clusters in namespace ${DEMO_NAMESPACE}`,
  );

  const refused = await page.request.post(`/api/v1/namespaces/${DEMO_NAMESPACE}/mysqlclusters`, {
    headers: await csrfHeaders(page.request),
    data: body(`${name}-bob`),
  });
  expect(refused.status()).toBe(403);
  const error = (await refused.json()) as { error: { code: string; message: string } };
  expect(error.error.code).toBe("Forbidden");
  // The apiserver's own words: it authenticated bob from his token, and RBAC said no.
  expect(error.error.message).toContain(`User "${bob.email}" cannot create resource`);
  await context.close();
});
