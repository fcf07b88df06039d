import "server-only";
import type { V1EnvVar, V1Job, V1OwnerReference } from "@kubernetes/client-node";
import type { BackupStorageLocation } from "@/lib/crds/backup-storage";
import type { BackupStorageSpec } from "@/lib/crds/cluster-backup";
import { MYSQL_API_VERSION, type MySQLCluster } from "@/lib/crds/mysql-cluster";
import { MySQLBackupNames, type MySQLBackup } from "@/lib/crds/mysql-backup";
import {
  ADMIN_USER,
  CREDENTIAL_KEYS,
  FIELD_MANAGER,
  LABEL,
  ownedNames,
} from "../mysql-cluster/names";
import {
  BACKUP_APP_NAME,
  BACKUP_CONTAINER,
  BACKUP_NAME_LABEL,
  backupJobName,
  backupObjectName,
} from "./names";

/** How backup Jobs run: the operator's own image and the limits of one run. */
export interface BackupJobOptions {
  /** The operator's container image, which holds the backup command. */
  image: string;
  /** Working directory of the command in the image (the repository root). */
  workingDir: string;
  /** A run that takes longer is killed and fails (`activeDeadlineSeconds`), in seconds. */
  activeDeadlineSeconds: number;
}

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
  const { name, uid } = backup.metadata;
  if (!uid) throw new Error(`MySQLBackup ${name} has no uid; read it from the apiserver first`);
  return {
    apiVersion: MYSQL_API_VERSION,
    kind: MySQLBackupNames.kind,
    name,
    uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The location part of a storage as the backup command reads it (no credentials). */
export function storageLocation(
  storage: BackupStorageSpec,
  caBundle?: string,
): BackupStorageLocation {
  const { endpoint, region, bucket, prefix, forcePathStyle } = storage.s3;
  return {
    ...(endpoint ? { endpoint } : {}),
    region,
    bucket,
    prefix,
    forcePathStyle,
    ...(caBundle ? { caBundle } : {}),
  };
}

function secretEnv(name: string, secret: string, key: string): V1EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
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
  const namespace = backup.metadata.namespace;
  const clusterName = cluster.metadata.name;
  const names = ownedNames(clusterName);
  const objectName = backupObjectName(namespace ?? "", clusterName, backup.metadata.name);
  const credentials = storage.s3.credentialsSecretRef;
  const labels = {
    [LABEL.name]: BACKUP_APP_NAME,
    [LABEL.instance]: clusterName,
    [LABEL.component]: "backup",
    [LABEL.managedBy]: FIELD_MANAGER,
    [LABEL.partOf]: "pilothouse",
    [BACKUP_NAME_LABEL]: backup.metadata.name,
  };
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name: backupJobName(backup.metadata.name),
      namespace,
      labels,
      ownerReferences: [backupOwnerReference(backup)],
    },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: options.activeDeadlineSeconds,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          automountServiceAccountToken: false,
          containers: [
            {
              name: BACKUP_CONTAINER,
              image: options.image,
              workingDir: options.workingDir,
              command: backupCommand(objectName),
              terminationMessagePath: "/dev/termination-log",
              terminationMessagePolicy: "File",
              env: [
                { name: "PILOTHOUSE_BACKUP_ENGINE", value: cluster.spec.engine },
                {
                  name: "PILOTHOUSE_BACKUP_DB_HOST",
                  value: `${names.primaryService}.${namespace}.svc`,
                },
                { name: "PILOTHOUSE_BACKUP_DB_PORT", value: "3306" },
                { name: "PILOTHOUSE_BACKUP_DB_USER", value: ADMIN_USER },
                secretEnv(
                  "PILOTHOUSE_BACKUP_DB_PASSWORD",
                  names.credentialsSecret,
                  CREDENTIAL_KEYS.rootPassword,
                ),
                {
                  name: "PILOTHOUSE_BACKUP_STORAGE",
                  value: JSON.stringify(storageLocation(storage, caBundle)),
                },
                secretEnv(
                  "PILOTHOUSE_BACKUP_S3_ACCESS_KEY_ID",
                  credentials.name,
                  credentials.accessKeyIdKey,
                ),
                secretEnv(
                  "PILOTHOUSE_BACKUP_S3_SECRET_ACCESS_KEY",
                  credentials.name,
                  credentials.secretAccessKeyKey,
                ),
              ],
              resources: { requests: { cpu: "100m", memory: "256Mi" } },
            },
          ],
        },
      },
    },
  };
}
