/**
 * The shared watch hub behind an HTTP fault-injecting proxy (support/http-fault-proxy.ts) in
 * front of the real apiserver: watch connections dropped mid-stream, watch requests answered
 * 410 Gone, and in-stream 410 ERROR events. After each fault a subscriber's view — its
 * snapshots with the changes after them applied in order — equals the apiserver's final list,
 * with no change delivered twice, while objects are written during the fault.
 *
 * Needs the local platform: source a profile's env.sh (KUBECONFIG, PILOTHOUSE_DASHBOARD_KUBECONFIG;
 * the CA of its pki directory signs the proxy's certificate).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from "@kubernetes/client-node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { KINDS } from "@/lib/api/kinds";
import type { UserIdentity } from "@/server/auth/identity";
import { KubeClientFactory } from "@/server/kube/client";
import { WatchHub } from "@/server/kube/watch-hub";
import { cachedAccessChecker } from "@/server/kube/watch-hub-access";
import { HttpFaultProxy } from "./support/http-fault-proxy";
import { eventually, FrameSink, mysqlClusterBody } from "./watch-hub-support";

const adminPath = process.env.KUBECONFIG ?? "";
const dashboardPath = process.env.PILOTHOUSE_DASHBOARD_KUBECONFIG ?? "";
const suffix = randomBytes(3).toString("hex");
const mysqlclusters = KINDS[0];
const resource = { group: "mysql.pilothouse.dev", version: "v1alpha1", plural: "mysqlclusters" };
/** Only the hub's own watch identity matters here; access is covered by watch-hub.test.ts. */
const subscriber: UserIdentity = {
  username: `wf-${suffix}@test.pilothouse.dev`,
  email: `wf-${suffix}@test.pilothouse.dev`,
  name: "Watch faults",
  groups: [],
};

let admin: KubeConfig;
let proxy: HttpFaultProxy;
let factory: KubeClientFactory;
let tmp: string;
const hubs: WatchHub[] = [];
const namespaces: string[] = [];

beforeAll(async () => {
  if (!adminPath || !dashboardPath) {
    throw new Error("Source a profile's env.sh (KUBECONFIG, PILOTHOUSE_DASHBOARD_KUBECONFIG)");
  }
  admin = new KubeConfig();
  admin.loadFromFile(adminPath);
  const pki = join(dirname(adminPath), "pki");
  proxy = await HttpFaultProxy.start({
    target: admin.getCurrentCluster()?.server ?? "",
    caCertificatePath: join(pki, "ca.crt"),
    caKeyPath: join(pki, "ca.key"),
  });
  tmp = await mkdtemp(join(tmpdir(), "watch-faults-"));
  const viaProxy = join(tmp, "dashboard.kubeconfig");
  await proxy.writeKubeconfig(dashboardPath, viaProxy);
  factory = await KubeClientFactory.fromFile(viaProxy);
});

afterEach(async () => {
  for (const hub of hubs.splice(0)) hub.close();
  // The next test counts the watches it drops or expires: let these ones end first.
  await eventually(() => expect(proxy.openWatches).toBe(0));
});

afterAll(async () => {
  await proxy?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
  const core = admin?.makeApiClient(CoreV1Api);
  for (const name of namespaces) await core?.deleteNamespace({ name }).catch(() => undefined);
});

/** A fresh namespace, one hub through the proxy, and one subscriber of its MySQLClusters. */
async function watched(label: string) {
  const namespace = `wf-${label}-${suffix}`;
  namespaces.push(namespace);
  await admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
  const clientsFor = (user: UserIdentity) => Promise.resolve(factory.forUser(user));
  const hub = new WatchHub({
    clientsFor,
    checkAccess: cachedAccessChecker(clientsFor),
    recheckMs: 3_600_000,
    lingerMs: 200,
  });
  hubs.push(hub);
  const objects = admin.makeApiClient(CustomObjectsApi);
  const write = {
    create: async (name: string) =>
      (
        (await objects.createNamespacedCustomObject({
          ...resource,
          namespace,
          body: mysqlClusterBody(name),
        })) as { metadata: { resourceVersion: string } }
      ).metadata.resourceVersion,
    scale: async (name: string, replicas: number) =>
      (
        (await objects.patchNamespacedCustomObject(
          { ...resource, namespace, name, body: { spec: { replicas } } },
          setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
        )) as { metadata: { resourceVersion: string } }
      ).metadata.resourceVersion,
    remove: (name: string) =>
      objects.deleteNamespacedCustomObject({ ...resource, namespace, name }),
    /** The apiserver's list: name → resourceVersion. */
    list: async () => {
      const list = (await objects.listNamespacedCustomObject({ ...resource, namespace })) as {
        items: { metadata: { name: string; resourceVersion: string } }[];
      };
      return new Map(list.items.map((i) => [i.metadata.name, i.metadata.resourceVersion]));
    },
  };
  const sink = new FrameSink();
  const leave = new AbortController();
  void hub.subscribe({
    kind: mysqlclusters,
    namespace,
    user: subscriber,
    send: sink.send,
    signal: leave.signal,
  });
  return { namespace, hub, sink, write };
}

interface Named {
  metadata: { name: string; resourceVersion: string };
}

/** The subscriber's view: the last snapshot, then every change after it, as name → resourceVersion. */
function viewOf(sink: FrameSink): Map<string, string> {
  const view = new Map<string, string>();
  for (const frame of sink.frames) {
    if (frame.event === "snapshot") {
      view.clear();
      const data = JSON.parse(frame.data) as { items: Named[] };
      for (const item of data.items) view.set(item.metadata.name, item.metadata.resourceVersion);
    } else if (frame.event === "change") {
      const { type, object } = JSON.parse(frame.data) as { type: string; object: Named };
      if (type === "DELETED") view.delete(object.metadata.name);
      else view.set(object.metadata.name, object.metadata.resourceVersion);
    }
  }
  return view;
}

const changeIds = (sink: FrameSink) => sink.of("change").map((f) => f.id ?? "");
const states = (sink: FrameSink) =>
  sink.of("status").map((f) => (JSON.parse(f.data) as { state: string }).state);

/** Waits for a first snapshot and a live watch through the proxy. */
async function live(sink: FrameSink) {
  await eventually(() => {
    expect(sink.of("snapshot").length).toBeGreaterThan(0);
    expect(states(sink).at(-1)).toBe("live");
    expect(proxy.openWatches).toBe(1);
  });
}

describe("the watch hub behind a faulty connection to the apiserver", () => {
  it("resumes after its watch connection is dropped: reconnecting, then live, nothing missed or doubled", async () => {
    const { sink, write } = await watched("drop");
    await write.create("kept");
    await write.create("gone");
    await live(sink);
    const watchesBefore = proxy.watchRequests;

    expect(proxy.dropWatches()).toBe(1);
    // Written while the hub backs off (1 s) before it watches again.
    const during = [
      await write.create("during-0"),
      await write.create("during-1"),
      await write.scale("kept", 3),
    ];
    await write.remove("gone");

    await eventually(() => expect(states(sink)).toEqual(["live", "reconnecting", "live"]));
    const after = await write.create("after");
    await eventually(() => expect(changeIds(sink)).toContain(after));

    expect(proxy.watchRequests).toBeGreaterThan(watchesBefore);
    // Resumed from the last resourceVersion: no relist, every write arrived as a change.
    expect(sink.of("snapshot")).toHaveLength(1);
    for (const rv of during) expect(changeIds(sink)).toContain(rv);
    expect(sink.of("change").some((f) => f.data.includes('"DELETED"'))).toBe(true);
    expect(new Set(changeIds(sink)).size).toBe(changeIds(sink).length);
    expect(viewOf(sink)).toEqual(await write.list());
  });

  it("relists after a watch request answered 410 Gone and sends a new snapshot", async () => {
    const { sink, write } = await watched("gone");
    await write.create("kept");
    await live(sink);

    proxy.expireNextWatches(1);
    expect(proxy.dropWatches()).toBe(1);
    await write.create("during-0");
    await write.scale("kept", 2);
    await write.create("during-1");

    await eventually(() => expect(sink.of("snapshot")).toHaveLength(2));
    await eventually(() => expect(states(sink).at(-1)).toBe("live"));
    const after = await write.create("after");
    await eventually(() => expect(changeIds(sink)).toContain(after));

    // Objects written during the outage are in the new snapshot or in changes after it (when
    // the hub relisted before they were written): the view below covers both.
    const second = JSON.parse(sink.of("snapshot")[1]?.data ?? "{}") as { items: Named[] };
    expect(second.items.map((i) => i.metadata.name)).toContain("kept");
    expect(proxy.watchesExpired).toBe(1);
    expect(states(sink)).toEqual(["live", "reconnecting", "live"]);
    expect(new Set(changeIds(sink)).size).toBe(changeIds(sink).length);
    expect(viewOf(sink)).toEqual(await write.list());
  });

  it("relists after an in-stream 410 ERROR event, staying live, and sends a new snapshot", async () => {
    const { sink, write } = await watched("error");
    await write.create("kept");
    await live(sink);

    expect(proxy.injectExpired()).toBe(1);
    await write.create("during-0");
    await write.scale("kept", 2);
    await write.remove("kept");

    await eventually(() => expect(sink.of("snapshot")).toHaveLength(2));
    const after = await write.create("after");
    await eventually(() => expect(changeIds(sink)).toContain(after));

    // A relist is not an outage: never "reconnecting".
    expect(states(sink)).toEqual(["live"]);
    expect(new Set(changeIds(sink)).size).toBe(changeIds(sink).length);
    expect(viewOf(sink)).toEqual(await write.list());
  });
});
