import "server-only";
import type {
  KubernetesObject,
  V1Pod,
  V1Secret,
  V1StatefulSet,
  V1StatefulSetStatus,
} from "@kubernetes/client-node";
import { pino } from "pino";
import type { MySQLCluster } from "@/lib/crds/mysql-cluster";
import { KubeApiError } from "../runtime/kube-api-error";
import type { ClusterApi, RawCluster } from "./api";
import { mysqlClusterReconciler, type MySQLClusterReconcilerOptions } from "./controller";
import { FakeFleet } from "./fake-fleet";
import type { ClusterEvent } from "./status-events";
import { aCluster, pods } from "./test-fixtures";

/**
 * An in-memory apiserver for the controller's unit tests, and a harness that runs the reconcile
 * against it, a {@link FakeFleet} of servers and a clock the test moves (not used by the
 * operator).
 */

const logger = pino({ level: "silent" });
const start = new Date("2026-03-01T12:00:00Z").getTime();

interface Status {
  phase?: string;
  observedGeneration?: number;
  primary?: string;
  lastFailover?: { from: string; to: string };
  lastSwitchover?: { outcome: string; message: string };
  conditions?: { type: string; status: string; reason: string }[];
}

/** An in-memory apiserver for one namespace, recording what the reconcile asks of it. */
export class FakeApi implements ClusterApi {
  cluster: RawCluster | undefined;
  secrets = new Map<string, V1Secret>();
  applied: KubernetesObject[] = [];
  statusWrites = 0;
  events: ClusterEvent[] = [];
  pods: V1Pod[] = [];
  stsStatus: V1StatefulSetStatus = { replicas: 0, readyReplicas: 0, updatedReplicas: 0 };
  applyError: Error | undefined;
  conflictOnce = false;
  /** PersistentVolumeClaims of the cluster, by name. */
  claims: string[] = [];
  /** MySQLBackups by name, as stored. */
  backups = new Map<string, Record<string, unknown>>();
  /** What the finalizer deleted (`Kind/name`) or released from its owner (`released Secret/name`). */
  deleted: string[] = [];

  constructor(cluster: MySQLCluster | undefined) {
    this.cluster = cluster ? structuredClone(cluster) : undefined;
  }
  getCluster() {
    return Promise.resolve(this.cluster ? structuredClone(this.cluster) : undefined);
  }
  getStatefulSet() {
    const sts = [...this.applied]
      .reverse()
      .find((o): o is V1StatefulSet => o.kind === "StatefulSet");
    if (!sts) return Promise.resolve(undefined);
    return Promise.resolve({
      ...sts,
      metadata: { ...sts.metadata, generation: 1 },
      status: { ...this.stsStatus, observedGeneration: 1 },
    });
  }
  readSecret(_namespace: string, name: string) {
    const secret = this.secrets.get(name);
    if (!secret) return Promise.resolve(undefined);
    const data = Object.fromEntries(
      Object.entries({ ...secret.stringData }).map(([k, v]) => [
        k,
        Buffer.from(v).toString("base64"),
      ]),
    );
    return Promise.resolve({ ...secret, data: { ...data, ...secret.data } });
  }
  patchSecretData(_namespace: string, name: string, data: Record<string, string>) {
    const secret = this.secrets.get(name);
    if (!secret) return Promise.reject(new Error("no such Secret"));
    secret.stringData = { ...secret.stringData, ...data };
    return Promise.resolve();
  }
  createSecretIfAbsent(_namespace: string, name: string, build: () => V1Secret) {
    if (this.secrets.has(name)) return Promise.resolve("exists" as const);
    this.secrets.set(name, build());
    return Promise.resolve("created" as const);
  }
  patchPodLabels(_namespace: string, name: string, labels: Record<string, string | null>) {
    const pod = this.pods.find((p) => p.metadata?.name === name);
    if (!pod?.metadata) return Promise.reject(new Error("no such pod"));
    const next: Record<string, string> = { ...pod.metadata.labels };
    for (const [key, value] of Object.entries(labels)) {
      if (value === null) delete next[key];
      else next[key] = value;
    }
    pod.metadata.labels = next;
    return Promise.resolve();
  }
  patchStatus(_namespace: string, _name: string, status: Record<string, unknown>) {
    if (!this.cluster) return Promise.reject(new Error("no cluster"));
    const current = (this.cluster.status ?? {}) as Record<string, unknown>;
    this.bump({ ...this.cluster, status: { ...current, ...status } });
    return Promise.resolve();
  }
  removeAnnotation(_namespace: string, _name: string, key: string, value: string) {
    const metadata = this.cluster?.metadata as { annotations?: Record<string, string> } | undefined;
    if (metadata?.annotations?.[key] !== value) return Promise.resolve(false);
    delete metadata.annotations[key];
    return Promise.resolve(true);
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
    return Promise.resolve(structuredClone(this.pods));
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
    this.bump(cluster);
    return Promise.resolve();
  }
  setFinalizers(raw: RawCluster, finalizers: string[]) {
    if (!this.cluster || raw.metadata?.resourceVersion !== this.cluster.metadata?.resourceVersion) {
      return Promise.reject(
        new KubeApiError(409, "Conflict", "modified", { kind: "MySQLCluster" }),
      );
    }
    const metadata = { ...this.cluster.metadata, finalizers } as Record<string, unknown>;
    this.bump({ ...this.cluster, metadata });
    // The apiserver removes an object being deleted once its last finalizer is gone.
    if (finalizers.length === 0 && metadata.deletionTimestamp) this.cluster = undefined;
    return Promise.resolve(structuredClone(this.cluster ?? raw));
  }
  deleteStatefulSet(_namespace: string, name: string) {
    this.deleted.push(`StatefulSet/${name}`);
    return Promise.resolve();
  }
  listVolumeClaims() {
    return Promise.resolve([...this.claims]);
  }
  deleteVolumeClaim(_namespace: string, name: string) {
    this.claims = this.claims.filter((claim) => claim !== name);
    this.deleted.push(`PersistentVolumeClaim/${name}`);
    return Promise.resolve();
  }
  deleteSecret(_namespace: string, name: string) {
    this.secrets.delete(name);
    this.deleted.push(`Secret/${name}`);
    return Promise.resolve();
  }
  releaseSecret(_namespace: string, name: string) {
    this.deleted.push(`released Secret/${name}`);
    return Promise.resolve();
  }
  listBackups() {
    return Promise.resolve(structuredClone([...this.backups.values()]));
  }
  getBackup(_namespace: string, name: string) {
    return Promise.resolve(structuredClone(this.backups.get(name)));
  }
  createBackup(body: Record<string, unknown> & { metadata: { name: string } }) {
    if (this.backups.has(body.metadata.name)) return Promise.resolve("exists" as const);
    this.backups.set(body.metadata.name, structuredClone(body));
    return Promise.resolve("created" as const);
  }
  recordEvent(_cluster: MySQLCluster, event: ClusterEvent) {
    this.events.push(event);
    return Promise.resolve();
  }
  private bump(cluster: RawCluster) {
    const resourceVersion = String(Number(cluster.metadata?.resourceVersion) + 1);
    this.cluster = { ...cluster, metadata: { ...cluster.metadata, resourceVersion } };
  }
  get status(): Status | undefined {
    return (this.cluster as { status?: Status }).status;
  }
  condition(type: string) {
    return this.status?.conditions?.find((c) => c.type === type);
  }
  roles(): Record<string, string> {
    const entries = this.pods.map((p): [string, string] => [
      p.metadata?.name ?? "?",
      p.metadata?.labels?.["pilothouse.dev/role"] ?? "-",
    ]);
    return Object.fromEntries(entries);
  }
  /** Makes the StatefulSet and its `count` pods ready. */
  running(count: number) {
    this.stsStatus = { replicas: count, readyReplicas: count, updatedReplicas: count };
    this.pods = pods(count);
  }
}

export function harness(
  cluster: MySQLCluster = aCluster(),
  options: Partial<MySQLClusterReconcilerOptions> = {},
) {
  const api = new FakeApi(cluster);
  const fleet = new FakeFleet(["orders-0", "orders-1", "orders-2"]);
  const clock = { ms: start };
  let passwords = 0;
  const reconcile = mysqlClusterReconciler({
    api,
    logger,
    now: () => new Date(clock.ms),
    newPassword: () => `password-${++passwords}`,
    mysql: fleet,
    probeIntervalMs: 5_000,
    ...options,
  });
  return { api, fleet, clock, reconcile: () => reconcile("shop/orders") };
}
