import "server-only";
import type { V1Job, V1Pod, V1Secret } from "@kubernetes/client-node";
import type { MySQLBackup } from "@/lib/crds/mysql-backup";
import type { MySQLCluster } from "@/lib/crds/mysql-cluster";
import {
  MySQLRestoreSchema,
  RESTORE_IN_PROGRESS_ANNOTATION,
  type MySQLRestore,
  type RestoreTarget,
} from "@/lib/crds/mysql-restore";
import type { Statement } from "@/server/mysql";
import type { EventTarget, RawObject } from "../mysql-backup/api";
import { SHA, aBackup, aCluster } from "../mysql-backup/test-fixtures";
import { KubeApiError } from "../runtime/kube-api-error";
import type { RestoreApi } from "./api";
import type { PrimaryWrites } from "./database";
import type { RestoreOutcome } from "./metrics";
import type { RestoreEvent } from "./status";

/** Fixtures for the unit tests of this folder (not used by the operator itself). */

export { SHA, aCluster };

/** A Succeeded backup `orders-manual` of `orders` (2048 bytes). */
export function aSucceededBackup(): MySQLBackup {
  return aBackup({
    status: {
      phase: "Succeeded",
      sizeBytes: 2048,
      sha256: SHA,
      completedAt: "2026-01-01T10:01:00Z",
    },
  });
}

/** A Ready cluster (the Ready condition True, primary `<name>-0`). */
export function aReadyCluster(name = "orders", engine: "mariadb" | "mysql" = "mariadb") {
  const cluster = aCluster({ engine });
  cluster.metadata.name = name;
  cluster.status = {
    phase: "Ready",
    primary: `${name}-0`,
    conditions: [
      {
        type: "Ready",
        status: "True",
        reason: "Ready",
        message: "",
        lastTransitionTime: "2026-01-01T09:00:00Z",
      },
    ],
  };
  return cluster;
}

/** A MySQLRestore `restore-1` of `orders-manual` into `target` (default: cluster `orders`). */
export function aRestore(
  name = "restore-1",
  target: RestoreTarget = { clusterName: "orders" },
): MySQLRestore {
  return MySQLRestoreSchema.parse({
    apiVersion: "mysql.pilothouse.dev/v1alpha1",
    kind: "MySQLRestore",
    metadata: { name, namespace: "shop", uid: `${name}-uid`, resourceVersion: "1", generation: 1 },
    spec: { backupName: "orders-manual", target },
  });
}

const encode = (text: string) => Buffer.from(text).toString("base64");

/** An in-memory apiserver for the restore controller; records what it does. */
export class FakeRestoreApi implements RestoreApi {
  objects = new Map<string, RawObject>();
  secrets = new Map<string, V1Secret>([
    ["shop/s3-keys", { data: { accessKeyId: encode("AK"), secretAccessKey: encode("SK") } }],
  ]);
  jobs = new Map<string, V1Job>();
  pods: V1Pod[] = [];
  events: RestoreEvent[] = [];
  /** The object of each Event in `events`, as `Kind/name`. */
  eventObjects: string[] = [];
  conflictOnNextStatus = false;

  private static key(kind: string, namespace: string | undefined, name: string | undefined) {
    return `${kind}/${namespace ?? ""}/${name ?? ""}`;
  }
  put(object: MySQLBackup | MySQLCluster | MySQLRestore): void {
    const { namespace, name } = object.metadata;
    this.objects.set(FakeRestoreApi.key(object.kind, namespace, name), structuredClone(object));
  }
  raw(kind: string, name: string): RawObject | undefined {
    return this.objects.get(FakeRestoreApi.key(kind, "shop", name));
  }
  restore(name = "restore-1"): MySQLRestore {
    return MySQLRestoreSchema.parse(this.raw("MySQLRestore", name));
  }
  annotation(cluster = "orders"): string | undefined {
    const meta = this.raw("MySQLCluster", cluster)?.metadata as
      { annotations?: Record<string, string> } | undefined;
    return meta?.annotations?.[RESTORE_IN_PROGRESS_ANNOTATION];
  }
  private read(kind: string, namespace: string, name: string) {
    return Promise.resolve(
      structuredClone(this.objects.get(FakeRestoreApi.key(kind, namespace, name))),
    );
  }
  private bump(object: RawObject): void {
    const meta = object.metadata as { resourceVersion?: string };
    meta.resourceVersion = String(Number(meta.resourceVersion ?? "0") + 1);
  }
  private conflict(): KubeApiError {
    return new KubeApiError(409, "Conflict", "the object has been modified", { kind: "x" });
  }

  getBackup = (namespace: string, name: string) => this.read("MySQLBackup", namespace, name);
  getCluster = (namespace: string, name: string) => this.read("MySQLCluster", namespace, name);
  getRestore = (namespace: string, name: string) => this.read("MySQLRestore", namespace, name);
  readSecret = (namespace: string, name: string) =>
    Promise.resolve(this.secrets.get(`${namespace}/${name}`));
  getPod = (namespace: string, name: string) =>
    Promise.resolve<V1Pod>({ metadata: { namespace, name } });
  getJob = (namespace: string, name: string) =>
    Promise.resolve(this.jobs.get(`${namespace}/${name}`));
  createJob(job: V1Job) {
    const key = `${job.metadata?.namespace}/${job.metadata?.name}`;
    if (this.jobs.has(key)) return Promise.resolve("exists" as const);
    this.jobs.set(key, job);
    return Promise.resolve("created" as const);
  }
  listJobPods = () => Promise.resolve(this.pods);
  listRestores(namespace: string) {
    const items = [...this.objects.entries()]
      .filter(([key]) => key.startsWith(`MySQLRestore/${namespace}/`))
      .map(([, raw]) => structuredClone(raw));
    return Promise.resolve(items);
  }
  replaceRestoreStatus(sent: RawObject) {
    const key = FakeRestoreApi.key("MySQLRestore", sent.metadata?.namespace, sent.metadata?.name);
    const current = this.objects.get(key);
    const stale = current?.metadata?.resourceVersion !== sent.metadata?.resourceVersion;
    if (this.conflictOnNextStatus || stale) {
      this.conflictOnNextStatus = false;
      return Promise.reject(this.conflict());
    }
    const next = { ...structuredClone(current), status: structuredClone(sent.status) } as RawObject;
    this.bump(next);
    this.objects.set(key, next);
    return Promise.resolve();
  }
  createCluster(cluster: RawObject) {
    const key = FakeRestoreApi.key(
      "MySQLCluster",
      cluster.metadata?.namespace,
      cluster.metadata?.name,
    );
    if (this.objects.has(key)) return Promise.resolve("exists" as const);
    const stored = structuredClone(cluster);
    Object.assign(stored.metadata ?? {}, { resourceVersion: "1" });
    this.objects.set(key, stored);
    return Promise.resolve("created" as const);
  }
  setRestoreAnnotation(sent: RawObject, value: string | null) {
    const key = FakeRestoreApi.key("MySQLCluster", sent.metadata?.namespace, sent.metadata?.name);
    const current = this.objects.get(key);
    if (!current || current.metadata?.resourceVersion !== sent.metadata?.resourceVersion) {
      return Promise.reject(this.conflict());
    }
    const next = structuredClone(current);
    const meta = next.metadata as { annotations?: Record<string, string> };
    const annotations = { ...meta.annotations };
    if (value === null) delete annotations[RESTORE_IN_PROGRESS_ANNOTATION];
    else annotations[RESTORE_IN_PROGRESS_ANNOTATION] = value;
    meta.annotations = annotations;
    this.bump(next);
    this.objects.set(key, next);
    return Promise.resolve();
  }
  setRestoreFinalizers(sent: RawObject, finalizers: string[]) {
    const key = FakeRestoreApi.key("MySQLRestore", sent.metadata?.namespace, sent.metadata?.name);
    const current = this.objects.get(key);
    if (!current || current.metadata?.resourceVersion !== sent.metadata?.resourceVersion) {
      return Promise.reject(this.conflict());
    }
    const next = structuredClone(current);
    (next.metadata as { finalizers?: string[] }).finalizers = finalizers;
    this.bump(next);
    const deleting = (next.metadata as { deletionTimestamp?: string }).deletionTimestamp;
    if (deleting && finalizers.length === 0) this.objects.delete(key);
    else this.objects.set(key, next);
    return Promise.resolve();
  }
  recordEvent(target: EventTarget, event: RestoreEvent) {
    this.events.push(event);
    this.eventObjects.push(`${target.kind}/${target.name}`);
    return Promise.resolve();
  }
}

/** Records the statements run on each cluster's primary. */
export class FakePrimaryWrites implements PrimaryWrites {
  runs: { cluster: string; sql: string[] }[] = [];
  run(cluster: MySQLCluster, statements: Statement[]) {
    this.runs.push({ cluster: cluster.metadata.name, sql: statements.map((s) => s.sql) });
    return Promise.resolve(cluster.status?.primary ?? `${cluster.metadata.name}-0`);
  }
}

/** Counts finished restores by outcome. */
export class FakeRestoreMetrics {
  counts: Record<RestoreOutcome, number> = { succeeded: 0, failed: 0 };
  finished(_namespace: string, outcome: RestoreOutcome) {
    this.counts[outcome] += 1;
  }
}
