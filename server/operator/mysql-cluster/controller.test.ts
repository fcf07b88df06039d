import type {
  KubernetesObject,
  V1Pod,
  V1Secret,
  V1StatefulSet,
  V1StatefulSetStatus,
} from "@kubernetes/client-node";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { MySQLCluster } from "@/lib/crds/mysql-cluster";
import { KubeApiError } from "../runtime/kube-api-error";
import type { ClusterApi, RawCluster } from "./api";
import { mysqlClusterReconciler } from "./controller";
import type { ClusterEvent } from "./status-events";
import { aCluster, pods } from "./test-fixtures";

const logger = pino({ level: "silent" });
const now = () => new Date("2026-03-01T12:00:00Z");

/** An in-memory apiserver for one namespace, recording what the reconcile asks of it. */
class FakeApi implements ClusterApi {
  cluster: RawCluster | undefined;
  secrets = new Map<string, V1Secret>();
  applied: KubernetesObject[] = [];
  statusWrites = 0;
  events: ClusterEvent[] = [];
  pods: V1Pod[] = [];
  stsStatus: V1StatefulSetStatus = { replicas: 0, readyReplicas: 0, updatedReplicas: 0 };
  applyError: Error | undefined;
  conflictOnce = false;

  constructor(cluster: MySQLCluster | undefined) {
    this.cluster = cluster ? structuredClone(cluster) : undefined;
  }
  getCluster() {
    return Promise.resolve(this.cluster ? structuredClone(this.cluster) : undefined);
  }
  createSecretIfAbsent(_namespace: string, name: string, build: () => V1Secret) {
    if (this.secrets.has(name)) return Promise.resolve("exists" as const);
    this.secrets.set(name, build());
    return Promise.resolve("created" as const);
  }
  apply<T extends KubernetesObject>(object: T): Promise<T> {
    if (this.applyError) return Promise.reject(this.applyError);
    this.applied.push(object);
    if (object.kind !== "StatefulSet") return Promise.resolve(object);
    const sts = object as V1StatefulSet;
    const withStatus: V1StatefulSet = {
      ...sts,
      metadata: { ...sts.metadata, generation: 1 },
      status: { ...this.stsStatus, observedGeneration: 1 },
    };
    return Promise.resolve(withStatus as unknown as T);
  }
  listPods() {
    return Promise.resolve(this.pods);
  }
  replaceStatus(cluster: RawCluster) {
    if (this.conflictOnce) {
      this.conflictOnce = false;
      return Promise.reject(
        new KubeApiError(409, "Conflict", "the object has been modified", { kind: "MySQLCluster" }),
      );
    }
    if (cluster.metadata?.resourceVersion !== this.cluster?.metadata?.resourceVersion) {
      return Promise.reject(new Error("status written from a stale read"));
    }
    this.statusWrites += 1;
    const resourceVersion = String(Number(cluster.metadata?.resourceVersion) + 1);
    this.cluster = { ...cluster, metadata: { ...cluster.metadata, resourceVersion } };
    return Promise.resolve();
  }
  recordEvent(_cluster: MySQLCluster, event: ClusterEvent) {
    this.events.push(event);
    return Promise.resolve();
  }
  get status() {
    return (this.cluster as { status?: { phase?: string; observedGeneration?: number } }).status;
  }
}

function reconcilerFor(api: FakeApi) {
  let passwords = 0;
  return mysqlClusterReconciler({ api, logger, now, newPassword: () => `password-${++passwords}` });
}

describe("MySQLCluster reconcile", () => {
  it("does nothing for a cluster that no longer exists", async () => {
    const api = new FakeApi(undefined);
    await expect(reconcilerFor(api)("shop/orders")).resolves.toBeUndefined();
    expect(api.applied).toEqual([]);
    expect(api.secrets.size).toBe(0);
  });

  it("creates the Secret once, applies the owned objects, and writes status", async () => {
    const api = new FakeApi(aCluster());
    const reconcile = reconcilerFor(api);
    await reconcile("shop/orders");
    expect(api.secrets.get("orders-credentials")?.stringData).toEqual({
      "root-password": "password-1",
    });
    expect(api.applied.map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual([
      "ConfigMap/orders-config",
      "Service/orders-headless",
      "Service/orders-primary",
      "StatefulSet/orders",
    ]);
    expect(api.status?.phase).toBe("Provisioning");
    expect(api.statusWrites).toBe(1);
  });

  it("never regenerates the password and skips unchanged status writes", async () => {
    const api = new FakeApi(aCluster());
    const reconcile = reconcilerFor(api);
    await reconcile("shop/orders");
    await reconcile("shop/orders");
    await reconcile("shop/orders");
    expect(api.secrets.get("orders-credentials")?.stringData).toEqual({
      "root-password": "password-1",
    });
    expect(api.applied.filter((o) => o.kind === "Secret")).toEqual([]);
    expect(api.statusWrites).toBe(1);
  });

  it("follows the StatefulSet to Ready, records the Ready event, and observes the generation", async () => {
    const api = new FakeApi(aCluster());
    const reconcile = reconcilerFor(api);
    await reconcile("shop/orders");
    api.stsStatus = { replicas: 3, readyReplicas: 3, updatedReplicas: 3 };
    api.pods = pods(3);
    await reconcile("shop/orders");
    expect(api.status).toMatchObject({ phase: "Ready", observedGeneration: 1 });
    expect(api.events.map((e) => e.reason)).toEqual(["Ready"]);
  });

  it("when paused, touches no owned object and leaves observedGeneration alone", async () => {
    const cluster = aCluster(
      { replicas: 5 },
      { generation: 2, annotations: { "pilothouse.dev/reconcile": "paused" } },
    );
    const api = new FakeApi({ ...cluster, status: { observedGeneration: 1, phase: "Ready" } });
    await reconcilerFor(api)("shop/orders");
    expect(api.applied).toEqual([]);
    expect(api.secrets.size).toBe(0);
    expect(api.status).toMatchObject({ phase: "Paused", observedGeneration: 1 });
  });

  it("turns an invalid owned object (422) into ApplyFailed instead of retrying", async () => {
    const api = new FakeApi(aCluster());
    api.applyError = new KubeApiError(
      422,
      "Invalid",
      "spec: Forbidden: updates to statefulset spec",
      {
        kind: "StatefulSet",
        name: "orders",
      },
    );
    await expect(reconcilerFor(api)("shop/orders")).resolves.toBeUndefined();
    expect(api.status?.phase).toBe("Failed");
    expect(JSON.stringify(api.status)).toContain("StatefulSet orders was refused (422 Invalid)");
    expect(api.events.map((e) => e.reason)).toEqual(["ApplyFailed"]);
  });

  it("throws errors that a retry may fix, so the queue backs off", async () => {
    const api = new FakeApi(aCluster());
    api.applyError = new KubeApiError(503, "ServiceUnavailable", "etcd leader changed", {
      kind: "Service",
    });
    await expect(reconcilerFor(api)("shop/orders")).rejects.toThrow("etcd leader changed");
    expect(api.statusWrites).toBe(0);
  });

  it("asks to be requeued when the status write conflicts (409)", async () => {
    const api = new FakeApi(aCluster());
    api.conflictOnce = true;
    await expect(reconcilerFor(api)("shop/orders")).resolves.toEqual({ requeueAfterMs: 250 });
    expect(api.statusWrites).toBe(0);
    await reconcilerFor(api)("shop/orders");
    expect(api.statusWrites).toBe(1);
  });

  it("scales a stopped cluster to zero servers and reports it Stopped", async () => {
    const api = new FakeApi(aCluster({ stopped: true }));
    await reconcilerFor(api)("shop/orders");
    const sts = api.applied.find((o) => o.kind === "StatefulSet") as V1StatefulSet;
    expect(sts.spec?.replicas).toBe(0);
    expect(api.status?.phase).toBe("Stopped");
  });

  it("acts only on clusters of its own operator shard", async () => {
    const labelled = aCluster({}, { labels: { "pilothouse.dev/operator-shard": "canary" } });
    const unsharded = new FakeApi(labelled);
    await reconcilerFor(unsharded)("shop/orders");
    expect(unsharded.applied).toEqual([]);
    const canary = new FakeApi(labelled);
    await mysqlClusterReconciler({ api: canary, logger, now, shard: "canary" })("shop/orders");
    expect(canary.applied).not.toEqual([]);
    const other = new FakeApi(aCluster());
    await mysqlClusterReconciler({ api: other, logger, now, shard: "canary" })("shop/orders");
    expect(other.applied).toEqual([]);
  });

  it("leaves a cluster that is being deleted to the garbage collector", async () => {
    const api = new FakeApi(aCluster({}, { deletionTimestamp: "2026-03-01T11:59:00Z" }));
    await reconcilerFor(api)("shop/orders");
    expect(api.applied).toEqual([]);
    expect(api.statusWrites).toBe(0);
  });

  it("(the fake refuses status written from a stale read, so the tests above would catch one)", async () => {
    const api = new FakeApi(aCluster());
    await reconcilerFor(api)("shop/orders");
    api.stsStatus = { replicas: 3, readyReplicas: 3, updatedReplicas: 3 };
    api.pods = pods(3);
    const raw = await api.getCluster();
    await reconcilerFor(api)("shop/orders");
    await expect(api.replaceStatus(raw as RawCluster)).rejects.toThrow("stale read");
  });
});
