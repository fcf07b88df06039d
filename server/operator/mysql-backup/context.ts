import "server-only";
import type { Logger } from "pino";
import type { BackupStorage } from "@/lib/crds/backup-storage";
import type { BackupStorageSpec } from "@/lib/crds/cluster-backup";
import {
  MySQLBackupNames,
  type MySQLBackup,
  type MySQLBackupStatus,
  type OperationError,
} from "@/lib/crds/mysql-backup";
import { MySQLClusterSchema, type MySQLCluster } from "@/lib/crds/mysql-cluster";
import type { ReconcileResult } from "../runtime/controller";
import { recordObjectEvent, writeOrRequeue, type RawObject } from "../mysql-common/kube";
import type { BackupApi } from "./api";
import type { BackupObjectStore } from "./object-store";
import type { BackupJobOptions } from "./resources";
import { backupStatusUnchanged, backupTransitionEvents, type BackupEvent } from "./status";
import { StorageAccessError, findStorage, resolveStorage } from "./storage-access";

/** What the MySQLBackup reconcile and its finalizer share. */
export interface BackupContext {
  api: BackupApi;
  store: BackupObjectStore;
  job: BackupJobOptions;
  log: Logger;
  now: () => Date;
}

export { CONFLICT_REQUEUE_MS } from "../mysql-common/kube";

/** Records an Event on the backup; a failure to record is logged, never fatal. */
export async function recordBackupEvent(
  context: BackupContext,
  backup: MySQLBackup,
  event: BackupEvent,
): Promise<void> {
  await recordObjectEvent(context, MySQLBackupNames.kind, backup, event);
}

/**
 * Writes `next` to the status subresource when it differs from the current status, then records
 * the Events of the phase change (and `extra`, e.g. a blocked deletion). 409 = requeue shortly.
 */
export async function writeBackupStatus(
  context: BackupContext,
  raw: RawObject,
  backup: MySQLBackup,
  next: MySQLBackupStatus,
  extra: BackupEvent[] = [],
): Promise<ReconcileResult | undefined> {
  if (backupStatusUnchanged(backup.status, next)) return undefined;
  const conflict = await writeOrRequeue(() =>
    context.api.replaceBackupStatus({ ...raw, status: next }),
  );
  if (conflict) return conflict;
  const { name, namespace } = backup.metadata;
  context.log.info({ namespace, backup: name, phase: next.phase }, "backup status updated");
  for (const event of [...backupTransitionEvents(backup.status, next), ...extra]) {
    await recordBackupEvent(context, backup, event);
  }
  return undefined;
}

/** A cluster and one of its storages, resolved with its credentials; or why not. */
export type StorageLookup =
  | { ok: true; cluster: MySQLCluster; spec: BackupStorageSpec; storage: BackupStorage }
  | { ok: false; error: OperationError };

/**
 * Reads the backup's cluster, finds the storage it names and reads that storage's Secrets.
 * Failures a retry cannot fix come back as `{ ok: false, error }` with a stable code
 * (`ClusterNotFound`, `StorageNotFound`, `CredentialsNotFound`); API errors are thrown.
 */
export async function lookUpStorage(
  context: BackupContext,
  backup: MySQLBackup,
): Promise<StorageLookup> {
  const namespace = backup.metadata.namespace ?? "";
  const { clusterName, storageName } = backup.spec;
  const raw = await context.api.getCluster(namespace, clusterName);
  if (!raw) {
    return {
      ok: false,
      error: {
        code: "ClusterNotFound",
        message: `MySQLCluster ${namespace}/${clusterName} does not exist`,
      },
    };
  }
  const parsed = MySQLClusterSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        code: "ClusterInvalid",
        message: `MySQLCluster ${namespace}/${clusterName} does not match its schema`,
      },
    };
  }
  const cluster = parsed.data;
  const spec = findStorage(cluster, storageName);
  if (!spec) {
    const known = cluster.spec.backup?.storages.map((s) => s.name).join(", ") || "none";
    return {
      ok: false,
      error: {
        code: "StorageNotFound",
        message: `MySQLCluster ${clusterName} has no storage ${storageName} in spec.backup.storages (it has: ${known})`,
      },
    };
  }
  try {
    const storage = await resolveStorage(namespace, spec, (ns, name) =>
      context.api.readSecret(ns, name),
    );
    return { ok: true, cluster, spec, storage };
  } catch (error) {
    if (error instanceof StorageAccessError)
      return { ok: false, error: { code: error.code, message: error.message } };
    throw error;
  }
}
