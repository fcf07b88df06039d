/**
 * MySQLBackup (`mysql.pilothouse.dev/v1alpha1`): one backup run of one MySQLCluster to one of
 * its storages. Its status is the run's record; it reports `Succeeded` only after the operator
 * has read the stored object back and checked its size and sha256. The spec is immutable (a run
 * is not edited, it is repeated); the operator never rewrites the status of a finished run.
 *
 * @see ../../deploy/crds/mysql.pilothouse.dev_mysqlbackups.yaml (generated from this file)
 */
import { z } from "zod";
import { BackupPositionSchema } from "./backup-storage";
import { BackupItemNameSchema } from "./cluster-backup";
import { ConditionListSchema, ObjectMetaSchema } from "./common";
import type { CrdSource } from "./crd-manifest";
import {
  MYSQL_API_VERSION,
  MYSQL_GROUP,
  MYSQL_VERSION,
  MySQLClusterNameSchema,
} from "./mysql-cluster";

export const MySQLBackupNames = {
  kind: "MySQLBackup",
  listKind: "MySQLBackupList",
  plural: "mysqlbackups",
  singular: "mysqlbackup",
  shortNames: ["mysqlbk"],
  categories: ["pilothouse", "all"],
} as const;

/** Labels on MySQLBackups created by a schedule (also what retention selects by). */
export const BACKUP_LABEL = {
  cluster: "mysql.pilothouse.dev/cluster",
  schedule: "mysql.pilothouse.dev/schedule",
} as const;

/** Finalizer that deletes a backup's stored object before the MySQLBackup goes away. */
export const BACKUP_OBJECT_FINALIZER = "mysql.pilothouse.dev/backup-object";

export const MySQLBackupSpecSchema = z
  .object({
    clusterName: MySQLClusterNameSchema.describe("The MySQLCluster to back up (same namespace)."),
    storageName: BackupItemNameSchema.describe("One of the cluster's spec.backup.storages."),
    scheduleName: BackupItemNameSchema.optional().describe(
      "The schedule that created this run; unset for backups on demand.",
    ),
  })
  .meta({
    "x-kubernetes-validations": [
      { rule: "self == oldSelf", message: "spec is immutable: create a new MySQLBackup instead" },
    ],
  })
  .describe("Which cluster to back up, and where to.");
export type MySQLBackupSpec = z.infer<typeof MySQLBackupSpecSchema>;

export const BackupPhaseSchema = z.enum(["Pending", "Running", "Succeeded", "Failed"]);
export type BackupPhase = z.infer<typeof BackupPhaseSchema>;

/** True for the phases after which the status never changes again. */
export function isFinishedPhase(phase: BackupPhase | undefined): boolean {
  return phase === "Succeeded" || phase === "Failed";
}

/** `{ code, message }` of a failed run; `code` is a stable UpperCamelCase word. */
export const OperationErrorSchema = z.object({
  code: z.string().min(1).describe("Why, e.g. NotFound, AuthFailed, ChecksumMismatch, JobFailed."),
  message: z.string().describe("What happened and what to do, for people."),
});
export type OperationError = z.infer<typeof OperationErrorSchema>;

/** Where a backup's object is (or was going to be). */
export const BackupLocationSchema = z.object({
  bucket: z.string(),
  key: z.string().describe("Object key of the gzip-compressed dump."),
  url: z.string().describe("s3://<bucket>/<key>"),
});
export type BackupLocation = z.infer<typeof BackupLocationSchema>;

export const MySQLBackupStatusSchema = z
  .object({
    phase: BackupPhaseSchema.optional(),
    startedAt: z.iso.datetime({ offset: true }).optional(),
    completedAt: z.iso.datetime({ offset: true }).optional(),
    jobName: z.string().optional().describe("The Job that takes the backup."),
    location: BackupLocationSchema.optional(),
    sizeBytes: z.int().min(0).optional().describe("Size of the stored object, in bytes."),
    sha256: z.string().optional().describe("Hex sha256 of the stored object, as verified."),
    position: BackupPositionSchema.optional().describe("Binary log / GTID position of the dump."),
    error: OperationErrorSchema.optional(),
    conditions: ConditionListSchema.optional(),
  })
  .describe("The run's record.");
export type MySQLBackupStatus = z.infer<typeof MySQLBackupStatusSchema>;

export const MySQLBackupSchema = z.object({
  apiVersion: z.literal(MYSQL_API_VERSION),
  kind: z.literal(MySQLBackupNames.kind),
  metadata: ObjectMetaSchema,
  spec: MySQLBackupSpecSchema,
  status: MySQLBackupStatusSchema.optional(),
});
export type MySQLBackup = z.infer<typeof MySQLBackupSchema>;

/** The MySQLBackup kind as a `CrdSource` for the generator. */
export const MySQLBackupCrdSource: CrdSource = {
  group: MYSQL_GROUP,
  version: MYSQL_VERSION,
  names: MySQLBackupNames,
  description:
    "MySQLBackup is one backup run of a MySQLCluster to S3-compatible storage; its status is the run's record.",
  spec: MySQLBackupSpecSchema,
  status: MySQLBackupStatusSchema,
  printerColumns: [
    { name: "Cluster", type: "string", jsonPath: ".spec.clusterName" },
    { name: "Storage", type: "string", jsonPath: ".spec.storageName" },
    { name: "Phase", type: "string", jsonPath: ".status.phase" },
    { name: "Size", type: "integer", jsonPath: ".status.sizeBytes" },
    { name: "Completed", type: "date", jsonPath: ".status.completedAt" },
    { name: "Schedule", type: "string", jsonPath: ".spec.scheduleName", priority: 1 },
    { name: "Location", type: "string", jsonPath: ".status.location.url", priority: 1 },
    { name: "Error", type: "string", jsonPath: ".status.error.code", priority: 1 },
    { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
  ],
  rootValidations: [],
};
