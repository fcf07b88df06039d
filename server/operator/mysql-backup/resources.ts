import "server-only";
import type { V1Job, V1OwnerReference } from "@kubernetes/client-node";
import type { BackupStorageSpec } from "@/lib/crds/cluster-backup";
import type { MySQLCluster } from "@/lib/crds/mysql-cluster";
import { MySQLBackupNames, type MySQLBackup } from "@/lib/crds/mysql-backup";
import { backupCommandJob, controllerReference, type BackupJobOptions } from "../mysql-common/job";
import {
  BACKUP_APP_NAME,
  BACKUP_CONTAINER,
  BACKUP_NAME_LABEL,
  backupJobName,
  backupObjectName,
} from "./names";

export { storageLocation, type BackupJobOptions } from "../mysql-common/job";

/** The command line of the backup container (see server/backup/cli.ts). */
export function backupCommand(objectName: string): string[] {
  const cli = ["node", "--conditions=react-server", "--import", "tsx", "server/backup/cli.ts"];
  return [...cli, "backup", "--name", objectName];
}

/**
 * The owner reference of a backup Job: the MySQLBackup controls it, so deleting the run deletes
 * its Job and pod.
 *
 * @throws Error when the backup has no uid (it was not read from the apiserver).
 */
export function backupOwnerReference(backup: MySQLBackup): V1OwnerReference {
  return controllerReference(MySQLBackupNames.kind, backup);
}

/**
 * The Job that takes one backup: the backup command in the operator's image, connected to the
 * cluster's primary Service as the admin account, writing to the storage with the keys from the
 * storage's credentials Secret. Secrets reach the container only through `secretKeyRef`; the
 * CA bundle (public certificates) is inlined in the storage JSON. One attempt (`backoffLimit: 0`):
 * a failed run is recorded as Failed, and the next run is a new MySQLBackup.
 *
 * @param caBundle PEM read by the operator from `caBundleSecretRef`, when the storage has one.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/
 */
export function backupJob(
  backup: MySQLBackup,
  cluster: MySQLCluster,
  storage: BackupStorageSpec,
  options: BackupJobOptions,
  caBundle?: string,
): V1Job {
  const clusterName = cluster.metadata.name;
  return backupCommandJob({
    name: backupJobName(backup.metadata.name),
    namespace: backup.metadata.namespace,
    app: BACKUP_APP_NAME,
    component: "backup",
    runLabel: { key: BACKUP_NAME_LABEL, value: backup.metadata.name },
    owner: backupOwnerReference(backup),
    cluster,
    storage,
    caBundle,
    container: BACKUP_CONTAINER,
    command: backupCommand(
      backupObjectName(backup.metadata.namespace ?? "", clusterName, backup.metadata.name),
    ),
    options,
  });
}
