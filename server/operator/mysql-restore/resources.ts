import "server-only";
import type { V1Job, V1OwnerReference } from "@kubernetes/client-node";
import type { BackupStorageSpec } from "@/lib/crds/cluster-backup";
import { OPERATOR_SHARD_LABEL } from "@/lib/crds/common";
import type { MySQLBackup } from "@/lib/crds/mysql-backup";
import { MYSQL_API_VERSION, MySQLClusterNames, type MySQLCluster } from "@/lib/crds/mysql-cluster";
import {
  MySQLRestoreNames,
  RESTORE_IN_PROGRESS_ANNOTATION,
  RESTORE_LABEL,
  type MySQLRestore,
} from "@/lib/crds/mysql-restore";
import { backupObjectName } from "../mysql-backup/names";
import { backupCommandJob, controllerReference, type BackupJobOptions } from "../mysql-common/job";
import { RESTORE_APP_NAME, RESTORE_CONTAINER, RESTORE_NAME_LABEL, restoreJobName } from "./names";

/** The command line of the restore container (see server/backup/cli.ts). */
export function restoreCommand(objectName: string, sizeBytes: number, sha256: string): string[] {
  const cli = ["node", "--conditions=react-server", "--import", "tsx", "server/backup/cli.ts"];
  return [
    ...cli,
    "restore",
    "--name",
    objectName,
    "--expected-size",
    String(sizeBytes),
    "--expected-sha256",
    sha256,
  ];
}

/**
 * The owner reference of a restore Job: the MySQLRestore controls it.
 *
 * @throws Error when the restore has no uid (it was not read from the apiserver).
 */
export function restoreOwnerReference(restore: MySQLRestore): V1OwnerReference {
  return controllerReference(MySQLRestoreNames.kind, restore);
}

/** What a restore Job needs to know about the backup it applies. */
export interface RestoreSource {
  backup: MySQLBackup;
  /** The storage of the backup's cluster that holds the object. */
  storage: BackupStorageSpec;
  /** PEM read by the operator from the storage's `caBundleSecretRef`, if any. */
  caBundle?: string;
  /** Size (bytes) and hex sha256 of the stored object, as the backup verified them. */
  sizeBytes: number;
  sha256: string;
}

/**
 * The Job that applies one backup to the target cluster's primary: the backup command's
 * `restore` in the operator's image, connected to the cluster's primary Service as the admin
 * account, reading the object the backup wrote, and refusing to apply it unless its size and
 * sha256 equal the backup's record (`--expected-size`, `--expected-sha256`). One attempt
 * (`backoffLimit: 0`): a half-applied restore is not retried blindly.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/
 */
export function restoreJob(
  restore: MySQLRestore,
  target: MySQLCluster,
  source: RestoreSource,
  options: BackupJobOptions,
): V1Job {
  const namespace = restore.metadata.namespace;
  const { backup } = source;
  const objectName = backupObjectName(
    namespace ?? "",
    backup.spec.clusterName,
    backup.metadata.name,
  );
  return backupCommandJob({
    name: restoreJobName(restore.metadata.name),
    namespace,
    app: RESTORE_APP_NAME,
    component: "restore",
    runLabel: { key: RESTORE_NAME_LABEL, value: restore.metadata.name },
    owner: restoreOwnerReference(restore),
    cluster: target,
    storage: source.storage,
    caBundle: source.caBundle,
    container: RESTORE_CONTAINER,
    command: restoreCommand(objectName, source.sizeBytes, source.sha256),
    options,
  });
}

/**
 * The MySQLCluster a restore into `target.newCluster` creates. Not owned by the restore (the
 * cluster must outlive the run's record): labelled with the restore's name instead, carrying the
 * restore-in-progress annotation from its first moment, and in the restore's operator shard.
 *
 * @throws Error when the restore has no `target.newCluster`.
 */
export function newClusterObject(restore: MySQLRestore): Record<string, unknown> {
  const target = restore.spec.target.newCluster;
  if (!target) throw new Error(`MySQLRestore ${restore.metadata.name} has no target.newCluster`);
  const shard = restore.metadata.labels?.[OPERATOR_SHARD_LABEL];
  return {
    apiVersion: MYSQL_API_VERSION,
    kind: MySQLClusterNames.kind,
    metadata: {
      name: target.name,
      namespace: restore.metadata.namespace,
      labels: {
        [RESTORE_LABEL]: restore.metadata.name,
        ...(shard === undefined ? {} : { [OPERATOR_SHARD_LABEL]: shard }),
      },
      annotations: { [RESTORE_IN_PROGRESS_ANNOTATION]: restore.metadata.name },
    },
    spec: target.spec,
  };
}
