import "server-only";
import { MySQLBackupSchema, type OperationError } from "@/lib/crds/mysql-backup";
import { MySQLClusterSchema, type MySQLEngine } from "@/lib/crds/mysql-cluster";
import type { MySQLRestore } from "@/lib/crds/mysql-restore";
import { StorageAccessError, findStorage, resolveStorage } from "../mysql-backup/storage-access";
import type { RestoreApi } from "./api";
import { judgeBackup } from "./checks";
import type { RestoreSource } from "./resources";

/** The backup to restore with its storage; or why not yet; or why never. */
export type SourceLookup =
  | { kind: "ok"; source: RestoreSource; engine: MySQLEngine }
  | { kind: "wait"; message: string }
  | { kind: "fail"; error: OperationError };

/**
 * Reads `spec.backupName`, judges it (see judgeBackup), then the storage that holds its object:
 * the backup's cluster's `spec.backup.storages[storageName]`, with its Secrets. The engine of the
 * backup is its cluster's (a cluster's engine cannot change).
 *
 * @throws KubeApiError for API errors (retried).
 */
export async function lookUpSource(api: RestoreApi, restore: MySQLRestore): Promise<SourceLookup> {
  const namespace = restore.metadata.namespace ?? "";
  const name = restore.spec.backupName;
  const raw = await api.getBackup(namespace, name);
  const parsed = raw === undefined ? undefined : MySQLBackupSchema.safeParse(raw);
  if (parsed && !parsed.success) {
    return {
      kind: "fail",
      error: {
        code: "BackupInvalid",
        message: `spec.backupName: MySQLBackup ${namespace}/${name} does not match its schema`,
      },
    };
  }
  const backup = parsed?.data;
  const judgement = judgeBackup(namespace, name, backup);
  if (judgement.kind !== "ok") return judgement;
  if (!backup) throw new Error(`MySQLBackup ${name} was judged without being read`);
  const clusterName = backup.spec.clusterName;
  const clusterRaw = await api.getCluster(namespace, clusterName);
  const cluster = clusterRaw === undefined ? undefined : MySQLClusterSchema.safeParse(clusterRaw);
  if (!cluster?.success) {
    return {
      kind: "fail",
      error: {
        code: "StorageNotFound",
        message: `spec.backupName: the storage of MySQLBackup ${name} is defined by MySQLCluster ${clusterName}, which ${cluster ? "does not match its schema" : "no longer exists"}`,
      },
    };
  }
  const storage = findStorage(cluster.data, backup.spec.storageName);
  if (!storage) {
    return {
      kind: "fail",
      error: {
        code: "StorageNotFound",
        message: `spec.backupName: MySQLCluster ${clusterName} no longer has the storage ${backup.spec.storageName} of MySQLBackup ${name} in spec.backup.storages`,
      },
    };
  }
  try {
    const resolved = await resolveStorage(namespace, storage, (ns, secret) =>
      api.readSecret(ns, secret),
    );
    return {
      kind: "ok",
      engine: cluster.data.spec.engine,
      source: {
        backup,
        storage,
        ...(resolved.caBundle ? { caBundle: resolved.caBundle } : {}),
        sizeBytes: judgement.sizeBytes,
        sha256: judgement.sha256,
      },
    };
  } catch (error) {
    if (error instanceof StorageAccessError) {
      return { kind: "fail", error: { code: error.code, message: error.message } };
    }
    throw error;
  }
}
