/**
 * The shared watch hub against the real apiserver: many subscribers cost ONE upstream watch
 * (counted by the hub and by the apiserver's own `apiserver_longrunning_requests`), access is
 * decided per user and re-checked (a revoked user loses the stream), a reconnect resumes from
 * its `Last-Event-ID`, and a watch the apiserver expires (410 Gone) is relisted into a snapshot.
 *
 * Needs the local platform: KUBECONFIG (admin) and PILOTHOUSE_DASHBOARD_KUBECONFIG (which may
 * only impersonate), from a profile's env.sh, with deploy/rbac applied.
 */
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  RbacAuthorizationV1Api,
} from "@kubernetes/client-node";
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { KINDS } from "@/lib/api/kinds";
import type { UserIdentity } from "@/server/auth/identity";
import { KubeClientFactory } from "@/server/kube/client";
import { WatchHub } from "@/server/kube/watch-hub";
import { cachedAccessChecker } from "@/server/kube/watch-hub-access";
import { eventually, FrameSink, mysqlClusterBody, namespacedWatches } from "./watch-hub-support";

const adminPath = process.env.KUBECONFIG ?? "";
const dashboardPath = process.env.PILOTHOUSE_DASHBOARD_KUBECONFIG ?? "";
const suffix = randomBytes(3).toString("hex");
const namespace = `hub-test-${suffix}`;
const mysqlclusters = KINDS[0];
const GROUP = "mysql.pilothouse.dev";

const viewersGroup = `hub-viewers-${suffix}`;
const viewer: UserIdentity = {
  username: `vera-${suffix}@test.pilothouse.dev`,
  email: `vera-${suffix}@test.pilothouse.dev`,
  name: "Vera",
  groups: [viewersGroup],
};
const outsider: UserIdentity = {
  ...viewer,
  username: `otto-${suffix}@test.pilothouse.dev`,
  groups: [],
};

let admin: KubeConfig;
let factory: KubeClientFactory;
const hubs: WatchHub[] = [];

function newHub(options: { recheckMs?: number; lingerMs?: number; accessTtlMs?: number } = {}) {
  const clientsFor = (user: UserIdentity) => Promise.resolve(factory.forUser(user));
  const hub = new WatchHub({
    clientsFor,
    checkAccess: cachedAccessChecker(clientsFor, options.accessTtlMs ?? 30_000),
    recheckMs: options.recheckMs,
    lingerMs: options.lingerMs ?? 200,
  });
  hubs.push(hub);
  return hub;
}

/** Subscribes `user` and returns the sink, the end of the stream and a way to leave. */
function subscribe(hub: WatchHub, user: UserIdentity, lastEventId?: string) {
  const sink = new FrameSink();
  const leave = new AbortController();
  const ended = hub.subscribe({
    kind: mysqlclusters,
    namespace,
    user,
    lastEventId,
    send: sink.send,
    signal: leave.signal,
  });
  return { sink, ended, leave: () => leave.abort() };
}

const createCluster = (name: string) =>
  admin.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
    group: GROUP,
    version: "v1alpha1",
    plural: "mysqlclusters",
    namespace,
    body: mysqlClusterBody(name),
  }) as Promise<{ metadata: { resourceVersion: string } }>;

beforeAll(async () => {
  if (!adminPath || !dashboardPath) {
    throw new Error("Source a profile's env.sh (KUBECONFIG, PILOTHOUSE_DASHBOARD_KUBECONFIG)");
  }
  admin = new KubeConfig();
  admin.loadFromFile(adminPath);
  factory = await KubeClientFactory.fromFile(dashboardPath);
  await admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
  await admin.makeApiClient(RbacAuthorizationV1Api).createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: "viewers" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
      subjects: [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: viewersGroup }],
    },
  });
  // RBAC is read from an informer cache in the apiserver: wait until the binding is in effect.
  const hub = newHub({ accessTtlMs: 0 });
  await eventually(async () => {
    expect((await hub.authorize(viewer, mysqlclusters, namespace)).allowed).toBe(true);
  });
});

afterEach(() => {
  for (const hub of hubs.splice(0)) hub.close();
});

afterAll(async () => {
  await admin
    ?.makeApiClient(CoreV1Api)
    .deleteNamespace({ name: namespace })
    .catch(() => undefined);
});

describe("the shared watch hub", () => {
  it("serves 25 subscribers from exactly one upstream watch, and stops it after the last", async () => {
    const before = await namespacedWatches(adminPath, GROUP, "mysqlclusters");
    const hub = newHub({ lingerMs: 300 });
    const subs = Array.from({ length: 25 }, () => subscribe(hub, viewer));
    await eventually(() => {
      for (const { sink } of subs) expect(sink.of("snapshot")).toHaveLength(1);
      expect(subs[0]?.sink.frames.some((f) => f.data === '{"state":"live"}')).toBe(true);
    });
    expect(hub.upstreamCount).toBe(1);
    expect(hub.upstreamsStarted).toBe(1);
    expect(hub.subscriberCount).toBe(25);
    await eventually(async () =>
      expect(await namespacedWatches(adminPath, GROUP, "mysqlclusters")).toBe(before + 1),
    );

    const created = await createCluster("shared");
    await eventually(() => {
      for (const { sink } of subs) {
        // The operator's status writes follow as MODIFIED events; the ADDED one has the create's rv.
        const change = sink.of("change").find((f) => f.id === created.metadata.resourceVersion);
        expect(JSON.parse(change?.data ?? "{}")).toMatchObject({
          type: "ADDED",
          object: { metadata: { name: "shared" } },
        });
      }
    });

    for (const sub of subs) sub.leave();
    await Promise.all(subs.map((s) => s.ended));
    await eventually(() => expect(hub.upstreamCount).toBe(0));
    await eventually(async () =>
      expect(await namespacedWatches(adminPath, GROUP, "mysqlclusters")).toBe(before),
    );
  });

  it("refuses a user without list and watch, and ends the stream of a user whose access is revoked", async () => {
    const hub = newHub({ recheckMs: 500, accessTtlMs: 200 });
    const refused = await hub.authorize(outsider, mysqlclusters, namespace);
    expect(refused.allowed).toBe(false);
    expect(refused.reason).toContain(
      `may not list or watch mysqlclusters in namespace "${namespace}"`,
    );

    expect((await hub.authorize(viewer, mysqlclusters, namespace)).allowed).toBe(true);
    const sub = subscribe(hub, viewer);
    await eventually(() => expect(sub.sink.of("snapshot")).toHaveLength(1));

    await admin
      .makeApiClient(RbacAuthorizationV1Api)
      .deleteNamespacedRoleBinding({ name: "viewers", namespace });
    await sub.ended; // the stream ends on its own, without the subscriber leaving
    const error = sub.sink.of("stream-error").at(-1);
    expect(JSON.parse(error?.data ?? "{}")).toMatchObject({ error: { code: "Forbidden" } });
    expect(hub.subscriberCount).toBe(0);

    // Put the binding back for the next tests.
    await admin.makeApiClient(RbacAuthorizationV1Api).createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name: "viewers" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
        subjects: [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: viewersGroup }],
      },
    });
    await eventually(async () => {
      expect((await hub.authorize(viewer, mysqlclusters, namespace)).allowed).toBe(true);
    });
  });

  it("resumes a reconnecting subscriber from its Last-Event-ID, and sends a snapshot for an id it no longer has", async () => {
    const hub = newHub({ lingerMs: 30_000 });
    const ids = (sink: FrameSink) => sink.of("change").map((f) => f.id);
    // Stays subscribed throughout: what a subscriber that never left has seen.
    const witness = subscribe(hub, viewer);
    const first = subscribe(hub, viewer);
    await eventually(() => expect(first.sink.of("snapshot")).toHaveLength(1));
    const one = await createCluster("resume-one");
    const oneId = one.metadata.resourceVersion;
    await eventually(() => expect(ids(first.sink)).toContain(oneId));
    first.leave();
    await first.ended;

    // Missed while away: the upstream keeps it in its ring.
    const two = await createCluster("resume-two");
    await eventually(() => expect(ids(witness.sink)).toContain(two.metadata.resourceVersion));

    const resumed = subscribe(hub, viewer, oneId);
    await eventually(() => {
      const seen = ids(witness.sink);
      expect(ids(resumed.sink)).toEqual(seen.slice(seen.indexOf(oneId) + 1));
    });
    expect(ids(resumed.sink)).toContain(two.metadata.resourceVersion);
    expect(resumed.sink.of("snapshot")).toHaveLength(0);

    const tooOld = subscribe(hub, viewer, "1");
    await eventually(() => expect(tooOld.sink.of("snapshot")).toHaveLength(1));
    const names = JSON.parse(tooOld.sink.of("snapshot")[0]?.data ?? "{}") as {
      items: { metadata: { name: string } }[];
    };
    expect(names.items.map((i) => i.metadata.name)).toEqual(
      expect.arrayContaining(["resume-one", "resume-two"]),
    );
    expect(hub.upstreamsStarted).toBe(1);
  });
});
