/**
 * MySQLRestore (`mysql.pilothouse.dev/v1alpha1`): restore one Succeeded MySQLBackup into an
 * existing MySQLCluster (writes are stopped first) or into a new cluster bootstrapped from it.
 * One object is one run: the spec is immutable, the status is the run's record.
 *
 * @see ../../deploy/crds/mysql.pilothouse.dev_mysqlrestores.yaml (generated from this file)
 */
import { z } from "zod";
import { ConditionListSchema, ObjectMetaSchema } from "./common";
import type { CrdSource } from "./crd-manifest";
import { BackupPhaseSchema, OperationErrorSchema } from "./mysql-backup";
import {
  MYSQL_API_VERSION,
  MYSQL_GROUP,
  MYSQL_VERSION,
  MySQLClusterNameSchema,
  MySQLClusterSpecSchema,
} from "./mysql-cluster";

export const MySQLRestoreNames = {
  kind: "MySQLRestore",
  listKind: "MySQLRestoreList",
  plural: "mysqlrestores",
  singular: "mysqlrestore",
  shortNames: ["mysqlrs"],
  categories: ["pilothouse", "all"],
} as const;

/**
 * Annotation on a MySQLCluster while a MySQLRestore holds it; the value is the restore's name.
 * While it is set the cluster controller keeps the primary read-only (also a primary promoted
 * by failover or switchover), reports `ReplicationHealthy=False` reason `RestoreInProgress`,
 * and waits or refuses to stop the cluster. The restore controller sets it before stopping
 * writes and removes it when the run succeeds or fails before changing any data.
 *
 * A run that FAILED after it started applying data (its `WritesStopped` condition has reason
 * `DataMayBePartial`) leaves the annotation in place, naming the failed run, because the
 * databases may be partly restored: the cluster stays read-only. Deleting that MySQLRestore
 * does not release it either (a Warning Event `ClusterStillHeld` says so). To release it,
 * either create a new MySQLRestore into the cluster from a good backup (it takes the hold over
 * and removes it when it succeeds), or check the data and remove the annotation deliberately
 * (`kubectl annotate mysqlcluster <name> pilothouse.dev/restore-in-progress-`).
 */
export const RESTORE_IN_PROGRESS_ANNOTATION = "pilothouse.dev/restore-in-progress";

/**
 * Finalizer on a MySQLRestore while it may hold {@link RESTORE_IN_PROGRESS_ANNOTATION}: deleting a
 * restore mid-run still removes the annotation from its cluster; deleting a Failed run that may
 * have left partial data keeps the annotation and records a Warning Event saying so.
 */
export const RESTORE_FINALIZER = "mysql.pilothouse.dev/restore-in-progress";

/** Label on a MySQLCluster created by a MySQLRestore (`target.newCluster`): the restore's name. */
export const RESTORE_LABEL = "mysql.pilothouse.dev/restore";

const TARGET_RULE = {
  rule: "has(self.clusterName) != has(self.newCluster)",
  message: "set exactly one of target.clusterName (an existing cluster) and target.newCluster",
};

export const RestoreTargetSchema = z
  .object({
    clusterName: MySQLClusterNameSchema.optional().describe(
      "An existing MySQLCluster (same namespace): its data is replaced by the backup's.",
    ),
    newCluster: z
      .object({
        name: MySQLClusterNameSchema.describe("Name of the MySQLCluster to create."),
        spec: MySQLClusterSpecSchema.describe("Its spec; engine must match the backup's."),
      })
      .optional()
      .describe("A new MySQLCluster, created and bootstrapped from the backup."),
  })
  .refine((t) => (t.clusterName === undefined) !== (t.newCluster === undefined), {
    message: TARGET_RULE.message,
  })
  .meta({ "x-kubernetes-validations": [TARGET_RULE] });
export type RestoreTarget = z.infer<typeof RestoreTargetSchema>;

export const MySQLRestoreSpecSchema = z
  .object({
    backupName: z
      .string()
      .min(1)
      .max(253)
      .describe("A Succeeded MySQLBackup in the same namespace."),
    target: RestoreTargetSchema,
  })
  .meta({
    "x-kubernetes-validations": [
      { rule: "self == oldSelf", message: "spec is immutable: create a new MySQLRestore instead" },
    ],
  })
  .describe("Which backup to restore, and into what.");
export type MySQLRestoreSpec = z.infer<typeof MySQLRestoreSpecSchema>;

export const MySQLRestoreStatusSchema = z
  .object({
    phase: BackupPhaseSchema.optional(),
    startedAt: z.iso.datetime({ offset: true }).optional(),
    completedAt: z.iso.datetime({ offset: true }).optional(),
    jobName: z.string().optional(),
    progress: z
      .object({
        bytesApplied: z.int().min(0).describe("Compressed bytes applied so far."),
        bytesTotal: z.int().min(0).describe("Size of the backup object, in bytes."),
      })
      .optional(),
    error: OperationErrorSchema.optional(),
    conditions: ConditionListSchema.optional(),
  })
  .describe("The run's record.");
export type MySQLRestoreStatus = z.infer<typeof MySQLRestoreStatusSchema>;

export const MySQLRestoreSchema = z.object({
  apiVersion: z.literal(MYSQL_API_VERSION),
  kind: z.literal(MySQLRestoreNames.kind),
  metadata: ObjectMetaSchema,
  spec: MySQLRestoreSpecSchema,
  status: MySQLRestoreStatusSchema.optional(),
});
export type MySQLRestore = z.infer<typeof MySQLRestoreSchema>;

/** The MySQLRestore kind as a `CrdSource` for the generator. */
export const MySQLRestoreCrdSource: CrdSource = {
  group: MYSQL_GROUP,
  version: MYSQL_VERSION,
  names: MySQLRestoreNames,
  description:
    "MySQLRestore restores a MySQLBackup into an existing MySQLCluster or into a new one; its status is the run's record.",
  spec: MySQLRestoreSpecSchema,
  status: MySQLRestoreStatusSchema,
  printerColumns: [
    { name: "Backup", type: "string", jsonPath: ".spec.backupName" },
    { name: "Cluster", type: "string", jsonPath: ".spec.target.clusterName" },
    { name: "New cluster", type: "string", jsonPath: ".spec.target.newCluster.name" },
    { name: "Phase", type: "string", jsonPath: ".status.phase" },
    { name: "Applied", type: "integer", jsonPath: ".status.progress.bytesApplied", priority: 1 },
    { name: "Total", type: "integer", jsonPath: ".status.progress.bytesTotal", priority: 1 },
    { name: "Error", type: "string", jsonPath: ".status.error.code", priority: 1 },
    { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
  ],
  rootValidations: [],
};
