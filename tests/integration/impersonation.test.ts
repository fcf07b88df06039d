/**
 * The dashboard's kube transport against the real apiserver: it acts as the user through
 * impersonation of the user AND every group, with the dashboard's own ServiceAccount (which may
 * only impersonate). The permission under test is granted to the user's SECOND group only, which
 * fetch's merged `Impersonate-Group: a, b` header would lose.
 *
 * Needs the local platform: KUBECONFIG (admin) and PILOTHOUSE_DASHBOARD_KUBECONFIG, as written
 * by `./pilothouse up` to ~/.cache/pilothouse/state/dev/env.sh.
 */
import {
  CoreV1Api,
  CustomObjectsApi,
  HttpMethod,
  KubeConfig,
  RbacAuthorizationV1Api,
  RequestContext,
} from "@kubernetes/client-node";
import { randomBytes } from "node:crypto";
import { fetch, Headers } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UserIdentity } from "@/server/auth/identity";
import { KubeClientFactory } from "@/server/kube/client";
import { KubeApiError } from "@/server/kube/errors";
import {
  createMySQLCluster,
  listMySQLClusters,
  watchMySQLClusters,
} from "@/server/kube/mysql-clusters";
import type { ChangeType } from "@/server/kube/watch-loop";

const adminPath = process.env.KUBECONFIG;
const dashboardPath = process.env.PILOTHOUSE_DASHBOARD_KUBECONFIG;
const suffix = randomBytes(3).toString("hex");
const namespace = `imp-test-${suffix}`;
const firstGroup = `imp-first-${suffix}`;
const secondGroup = `imp-second-${suffix}`;
const spec = {
  engine: "mysql" as const,
  version: "8.4",
  replicas: 1,
  storage: { size: "1Gi" },
  stopped: false,
  deletionPolicy: "Retain" as const,
  failover: { enabled: true, unreachableSeconds: 30 },
};

const user = (groups: string[]): UserIdentity => ({
  username: `carol-${suffix}@test.pilothouse.dev`,
  email: `carol-${suffix}@test.pilothouse.dev`,
  name: "Carol",
  groups,
});

let admin: KubeConfig;
let factory: KubeClientFactory;

beforeAll(async () => {
  if (!adminPath || !dashboardPath) {
    throw new Error(
      "Start the platform and source its env.sh (KUBECONFIG, PILOTHOUSE_DASHBOARD_KUBECONFIG)",
    );
  }
  admin = new KubeConfig();
  admin.loadFromFile(adminPath);
  factory = await KubeClientFactory.fromFile(dashboardPath);
  await admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  await rbac.createNamespacedRole({
    namespace,
    body: {
      metadata: { name: "mysqlcluster-editor" },
      rules: [
        {
          apiGroups: ["mysql.pilothouse.dev"],
          resources: ["mysqlclusters"],
          verbs: ["get", "list", "watch", "create"],
        },
      ],
    },
  });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: "second-group-edits" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "mysqlcluster-editor" },
      subjects: [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: secondGroup }],
    },
  });
  // RBAC is read from an informer cache in the apiserver: wait until the binding is in effect.
  const kube = factory.forUser(user([secondGroup]));
  await eventually(() => listMySQLClusters(kube, { namespace }));
});

afterAll(async () => {
  await admin
    ?.makeApiClient(CoreV1Api)
    .deleteNamespace({ name: namespace })
    .catch(() => undefined);
});

async function eventually<T>(fn: () => T | Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

describe("impersonation through the dashboard's transport", () => {
  it("the apiserver sees the user and each group separately, plus system:authenticated", async () => {
    const kube = factory.forUser(user([firstGroup, secondGroup]));
    const review = await kube.authentication.createSelfSubjectReview({
      body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
    });
    expect(review.status?.userInfo?.username).toBe(user([]).username);
    expect(review.status?.userInfo?.groups).toEqual([
      firstGroup,
      secondGroup,
      "system:authenticated",
    ]);
  });

  it("grants what only the second group may do", async () => {
    const kube = factory.forUser(user([firstGroup, secondGroup]));
    await expect(listMySQLClusters(kube, { namespace })).resolves.toMatchObject({ items: [] });
    const created = await createMySQLCluster(kube, namespace, "via-second-group", spec);
    expect(created.metadata.name).toBe("via-second-group");
  });

  it("is refused without that group (control: the grant really comes from it)", async () => {
    const kube = factory.forUser(user([firstGroup]));
    const error = await listMySQLClusters(kube, { namespace }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as KubeApiError).status).toBe(403);
    expect((error as KubeApiError).message).toContain(user([]).username);
  });

  it("control: fetch merges repeated Impersonate-Group headers into one group", async () => {
    const dashboard = new KubeConfig();
    dashboard.loadFromFile(dashboardPath ?? "");
    const server = dashboard.getCurrentCluster()?.server ?? "";
    const ctx = new RequestContext(
      `${server}/apis/authentication.k8s.io/v1/selfsubjectreviews`,
      HttpMethod.POST,
    );
    await dashboard.applySecurityAuthentication(ctx);
    const headers = new Headers(ctx.getHeaders());
    headers.set("Content-Type", "application/json");
    headers.set("Impersonate-User", user([]).username);
    headers.append("Impersonate-Group", firstGroup);
    headers.append("Impersonate-Group", secondGroup);
    const response = await fetch(ctx.getUrl(), {
      method: "POST",
      headers,
      body: JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" }),
      dispatcher: ctx.getDispatcher(),
    });
    expect(response.status).toBe(201);
    const review = (await response.json()) as { status: { userInfo: { groups: string[] } } };
    // ONE group named "a, b": RBAC bound to the second group would not apply.
    expect(review.status.userInfo.groups).toEqual([
      `${firstGroup}, ${secondGroup}`,
      "system:authenticated",
    ]);
  });

  it("watches as the user too (Watch ignores middleware), across client-node's 30 s limit", async () => {
    const kube = factory.forUser(user([firstGroup, secondGroup]));
    const abort = new AbortController();
    const seen: { type: ChangeType | "SNAPSHOT"; name: string }[] = [];
    const fatal: KubeApiError[] = [];
    const loop = watchMySQLClusters(kube, {
      namespace,
      signal: abort.signal,
      handlers: {
        onSnapshot: (items) =>
          seen.push(...items.map(() => ({ type: "SNAPSHOT" as const, name: "" }))),
        onChange: (type, object) =>
          seen.push({ type, name: (object as { metadata: { name: string } }).metadata.name }),
        onBookmark: () => undefined,
        onFatal: (error) => fatal.push(error),
      },
    });
    // Longer than client-node's 30 s abort and the 25 s server-side watch timeout.
    await new Promise((r) => setTimeout(r, 35_000));
    await admin.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      group: "mysql.pilothouse.dev",
      version: "v1alpha1",
      namespace,
      plural: "mysqlclusters",
      body: {
        apiVersion: "mysql.pilothouse.dev/v1alpha1",
        kind: "MySQLCluster",
        metadata: { name: "after-the-timeout" },
        spec,
      },
    });
    await eventually(() => {
      if (!seen.some((e) => e.type === "ADDED" && e.name === "after-the-timeout")) {
        throw new Error(`not seen yet: ${JSON.stringify(seen)}`);
      }
    }, 10_000);
    abort.abort();
    await loop;
    expect(fatal).toEqual([]);
  }, 60_000);

  it("relists when the start point is too old (410 Gone) and carries on", async () => {
    const kube = factory.forUser(user([firstGroup, secondGroup]));
    const abort = new AbortController();
    const snapshots: string[][] = [];
    const loop = watchMySQLClusters(kube, {
      namespace,
      resourceVersion: "1",
      signal: abort.signal,
      handlers: {
        onSnapshot: (items) =>
          snapshots.push(items.map((i) => (i as { metadata: { name: string } }).metadata.name)),
        onChange: () => undefined,
        onBookmark: () => undefined,
        onFatal: () => undefined,
      },
    });
    await eventually(() => {
      if (snapshots.length === 0) throw new Error("no relist yet");
    }, 20_000);
    abort.abort();
    await loop;
    expect(snapshots[0]).toContain("via-second-group");
  }, 40_000);
});
