import "server-only";
import type { V1Job, V1Pod, V1Secret } from "@kubernetes/client-node";
import { pino } from "pino";
import type { BackupStorage } from "@/lib/crds/backup-storage";
import { MySQLBackupSchema, type MySQLBackup } from "@/lib/crds/mysql-backup";
import {
  MySQLClusterSchema,
  type MySQLCluster,
  type MySQLClusterSpecInput,
} from "@/lib/crds/mysql-cluster";
import type { BackupManifest } from "@/server/backup/manifest";
import type { VerifyResult } from "@/server/backup/result";
import { BackupError, BackupErrorCode } from "@/server/backup/errors";
import { KubeApiError } from "../runtime/kube-api-error";
import type { BackupApi, EventTarget, RawObject } from "./api";
import type { BackupObjectStore } from "./object-store";
import type { BackupEvent } from "./status";

/** Fixtures for the unit tests of this folder (not used by the operator itself). */

export const silentLogger = pino({ level: "silent" });

export const SHA = "a".repeat(64);

/** A cluster `orders` in namespace `shop` with one storage `main`. */
export function aCluster(spec: Partial<MySQLClusterSpecInput> = {}): MySQLCluster {
  return MySQLClusterSchema.parse({
    apiVersion: "mysql.pilothouse.dev/v1alpha1",
    kind: "MySQLCluster",
    metadata: { name: "orders", namespace: "shop", uid: "c-uid", resourceVersion: "1" },
    spec: {
      engine: "mariadb",
      storage: { size: "1Gi" },
      backup: {
        storages: [
          {
            name: "main",
            s3: {
              bucket: "backups",
              prefix: "prod",
              endpoint: "http://s3.example:7070",
              forcePathStyle: true,
              credentialsSecretRef: { name: "s3-keys" },
            },
          },
        ],
      },
      ...spec,
    },
  });
}

/** A MySQLBackup `orders-manual` of cluster `orders` to storage `main`. */
export function aBackup(extra: Partial<Omit<MySQLBackup, "spec">> = {}): MySQLBackup {
  return MySQLBackupSchema.parse({
    apiVersion: "mysql.pilothouse.dev/v1alpha1",
    kind: "MySQLBackup",
    metadata: {
      name: "orders-manual",
      namespace: "shop",
      uid: "b-uid",
      resourceVersion: "10",
      generation: 1,
      creationTimestamp: "2026-01-01T10:00:00Z",
    },
    spec: { clusterName: "orders", storageName: "main" },
    ...extra,
  });
}

const encode = (text: string) => Buffer.from(text).toString("base64");

/** An in-memory apiserver for the backup controllers; records what they do. */
export class FakeBackupApi implements BackupApi {
  backups = new Map<string, RawObject>();
  clusters = new Map<string, RawObject>();
  secrets = new Map<string, V1Secret>([
    ["shop/s3-keys", { data: { accessKeyId: encode("AK"), secretAccessKey: encode("SK") } }],
  ]);
  jobs = new Map<string, V1Job>();
  pods: V1Pod[] = [];
  events: BackupEvent[] = [];
  deleted: string[] = [];
  conflictOnNextStatus = false;

  put(object: MySQLBackup | MySQLCluster): void {
    const map = object.kind === "MySQLBackup" ? this.backups : this.clusters;
    map.set(`${object.metadata.namespace}/${object.metadata.name}`, structuredClone(object));
  }
  backup(name: string, namespace = "shop"): MySQLBackup {
    return MySQLBackupSchema.parse(this.backups.get(`${namespace}/${name}`));
  }
  private bump(object: RawObject): void {
    const meta = object.metadata as { resourceVersion?: string };
    meta.resourceVersion = String(Number(meta.resourceVersion ?? "0") + 1);
  }
  private stale(current: RawObject | undefined, sent: RawObject): boolean {
    return current?.metadata?.resourceVersion !== sent.metadata?.resourceVersion;
  }
  private conflict(name = ""): KubeApiError {
    return new KubeApiError(409, "Conflict", "the object has been modified", {
      kind: "MySQLBackup",
      name,
    });
  }

  getBackup = (namespace: string, name: string) =>
    Promise.resolve(structuredClone(this.backups.get(`${namespace}/${name}`)));
  getCluster = (namespace: string, name: string) =>
    Promise.resolve(structuredClone(this.clusters.get(`${namespace}/${name}`)));
  readSecret = (namespace: string, name: string) =>
    Promise.resolve(this.secrets.get(`${namespace}/${name}`));
  getJob = (namespace: string, name: string) =>
    Promise.resolve(this.jobs.get(`${namespace}/${name}`));
  createJob(job: V1Job) {
    const key = `${job.metadata?.namespace}/${job.metadata?.name}`;
    if (this.jobs.has(key)) return Promise.resolve("exists" as const);
    this.jobs.set(key, job);
    return Promise.resolve("created" as const);
  }
  deleteJob(namespace: string, name: string) {
    this.jobs.delete(`${namespace}/${name}`);
    return Promise.resolve();
  }
  listJobPods = () => Promise.resolve(this.pods);
  replaceBackupStatus(sent: RawObject) {
    const key = `${sent.metadata?.namespace}/${sent.metadata?.name}`;
    const current = this.backups.get(key);
    if (this.conflictOnNextStatus || this.stale(current, sent)) {
      this.conflictOnNextStatus = false;
      return Promise.reject(this.conflict(sent.metadata?.name));
    }
    const next = { ...structuredClone(current), status: structuredClone(sent.status) } as RawObject;
    this.bump(next);
    this.backups.set(key, next);
    return Promise.resolve();
  }
  setBackupFinalizers(sent: RawObject, finalizers: string[]) {
    const key = `${sent.metadata?.namespace}/${sent.metadata?.name}`;
    const current = this.backups.get(key);
    if (!current || this.stale(current, sent)) return Promise.reject(this.conflict());
    const next = structuredClone(current);
    (next.metadata as { finalizers?: string[] }).finalizers = finalizers;
    this.bump(next);
    const deleting = (next.metadata as { deletionTimestamp?: string }).deletionTimestamp;
    if (deleting && finalizers.length === 0) this.backups.delete(key);
    else this.backups.set(key, next);
    return Promise.resolve();
  }
  listBackups(namespace: string, labelSelector: string) {
    const wanted = labelSelector.split(",").map((pair) => pair.split("="));
    const items = [...this.backups.values()].filter((raw) => {
      const labels = (raw.metadata as { labels?: Record<string, string> }).labels ?? {};
      return (
        raw.metadata?.namespace === namespace &&
        wanted.every(([k, v]) => k !== undefined && labels[k] === v)
      );
    });
    return Promise.resolve(structuredClone(items));
  }
  createBackup(backup: RawObject) {
    const key = `${backup.metadata?.namespace}/${backup.metadata?.name}`;
    if (this.backups.has(key)) return Promise.resolve("exists" as const);
    const stored = structuredClone(backup);
    Object.assign(stored.metadata ?? {}, {
      resourceVersion: "1",
      creationTimestamp: "2026-01-01T00:00:00Z",
    });
    this.backups.set(key, stored);
    return Promise.resolve("created" as const);
  }
  deleteBackup(namespace: string, name: string) {
    this.deleted.push(name);
    this.backups.delete(`${namespace}/${name}`);
    return Promise.resolve();
  }
  recordEvent(_target: EventTarget, event: BackupEvent) {
    this.events.push(event);
    return Promise.resolve();
  }
}

/** An object store with canned answers; records the storages and names it was asked about. */
export class FakeStore implements BackupObjectStore {
  verifyAnswer: VerifyResult | undefined;
  manifest: BackupManifest | undefined;
  deleteError: BackupError | undefined;
  calls: { op: string; name: string; storage: BackupStorage }[] = [];

  verify(storage: BackupStorage, name: string) {
    this.calls.push({ op: "verify", name, storage });
    if (this.verifyAnswer) return Promise.resolve(this.verifyAnswer);
    return Promise.resolve<VerifyResult>({
      operation: "verify",
      phase: "Failed",
      startedAt: "2026-01-01T10:00:00.000Z",
      completedAt: "2026-01-01T10:00:00.000Z",
      durationSeconds: 0,
      error: { code: BackupErrorCode.NotFound, message: "backup object not found (NoSuchKey)" },
    });
  }
  readManifest(storage: BackupStorage, name: string) {
    this.calls.push({ op: "readManifest", name, storage });
    if (this.manifest) return Promise.resolve(this.manifest);
    return Promise.reject(
      new BackupError(BackupErrorCode.NotFound, `backup ${name} not found: there is no manifest`),
    );
  }
  deleteObject(storage: BackupStorage, location: { url: string }) {
    this.calls.push({ op: "delete", name: location.url, storage });
    return this.deleteError ? Promise.reject(this.deleteError) : Promise.resolve();
  }
}
