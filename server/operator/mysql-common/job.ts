import "server-only";
import type { V1EnvVar, V1Job, V1OwnerReference } from "@kubernetes/client-node";
import type { BackupStorageLocation } from "@/lib/crds/backup-storage";
import type { BackupStorageSpec } from "@/lib/crds/cluster-backup";
import { MYSQL_API_VERSION, type MySQLCluster } from "@/lib/crds/mysql-cluster";
import {
  ADMIN_USER,
  CREDENTIAL_KEYS,
  FIELD_MANAGER,
  LABEL,
  ownedNames,
} from "../mysql-cluster/names";

/**
 * The Job shape the MySQLBackup and MySQLRestore controllers share: one run of the backup
 * command (server/backup/cli.ts) in the operator's image against a cluster's primary.
 */

/** How backup Jobs run: the operator's own image and the limits of one run. */
export interface BackupJobOptions {
  /** The operator's container image, which holds the backup command. */
  image: string;
  /** Working directory of the command in the image (the repository root). */
  workingDir: string;
  /** A run that takes longer is killed and fails (`activeDeadlineSeconds`), in seconds. */
  activeDeadlineSeconds: number;
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

/**
 * The owner reference by which a `mysql.pilothouse.dev` object of `kind` controls a Job, so
 * deleting the object deletes its Job and pod.
 *
 * @throws Error when the object has no uid (it was not read from the apiserver).
 */
export function controllerReference(
  kind: string,
  object: { metadata: { name: string; uid?: string } },
): V1OwnerReference {
  const { name, uid } = object.metadata;
  if (!uid) throw new Error(`${kind} ${name} has no uid; read it from the apiserver first`);
  return {
    apiVersion: MYSQL_API_VERSION,
    kind,
    name,
    uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

function secretEnv(name: string, secret: string, key: string): V1EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}

/** One run of the backup command, as {@link backupCommandJob} builds its Job. */
export interface BackupCommandRun {
  /** The Job's name and namespace. */
  name: string;
  namespace?: string;
  /** `app.kubernetes.io/name` and `app.kubernetes.io/component` of the Job and its pod. */
  app: string;
  component: string;
  /** The label naming the run's object (e.g. the MySQLBackup's name). */
  runLabel: { key: string; value: string };
  owner: V1OwnerReference;
  /** The cluster whose primary the command connects to. */
  cluster: MySQLCluster;
  storage: BackupStorageSpec;
  /** PEM read by the operator from the storage's `caBundleSecretRef`, if any. */
  caBundle?: string;
  container: string;
  command: string[];
  options: BackupJobOptions;
}

/**
 * The Job of one run of the backup command: the operator's image, connected to the cluster's
 * primary Service as the admin account, with the storage's location inlined (the CA bundle
 * holds public certificates only) and its keys from the storage's credentials Secret. Secrets
 * reach the container only through `secretKeyRef`. One attempt (`backoffLimit: 0`).
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/
 */
export function backupCommandJob(run: BackupCommandRun): V1Job {
  const { cluster, namespace, options } = run;
  const clusterName = cluster.metadata.name;
  const names = ownedNames(clusterName);
  const credentials = run.storage.s3.credentialsSecretRef;
  const labels = {
    [LABEL.name]: run.app,
    [LABEL.instance]: clusterName,
    [LABEL.component]: run.component,
    [LABEL.managedBy]: FIELD_MANAGER,
    [LABEL.partOf]: "pilothouse",
    [run.runLabel.key]: run.runLabel.value,
  };
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: run.name, namespace, labels, ownerReferences: [run.owner] },
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
              name: run.container,
              image: options.image,
              workingDir: options.workingDir,
              command: run.command,
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
                  value: JSON.stringify(storageLocation(run.storage, run.caBundle)),
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
