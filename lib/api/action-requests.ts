/**
 * Bodies of the action routes `POST /api/v1/namespaces/{ns}/{plural}/{name}/actions/{action}`
 * (see `kinds.ts`). Handlers validate with exactly these instances and the OpenAPI document is
 * generated from them. Every body is strict: unknown fields are refused with their path.
 */
import { z } from "zod";
import { BackupItemNameSchema } from "../crds/cluster-backup";
import { RestoreTargetSchema } from "../crds/mysql-restore";
import type { ActionName, KindPlural } from "./kinds";
import { strictDeep } from "./strict-schema";

/** start, stop, pause, resume: no body, or `{}`. */
export const EmptyActionRequestSchema = z.strictObject({}).meta({ id: "EmptyActionRequest" });

/** backup: which of the cluster's `spec.backup.storages`; the first one when omitted. */
export const BackupActionRequestSchema = z
  .strictObject({
    storageName: BackupItemNameSchema.optional().describe(
      "One of the cluster's spec.backup.storages; the first one when omitted.",
    ),
  })
  .meta({ id: "BackupActionRequest" });
export type BackupActionRequest = z.infer<typeof BackupActionRequestSchema>;

/** restore on a MySQLCluster: which Succeeded MySQLBackup to restore into it. */
export const ClusterRestoreActionRequestSchema = z
  .strictObject({
    backupName: z
      .string()
      .min(1)
      .max(253)
      .describe("A Succeeded MySQLBackup of the same namespace."),
  })
  .meta({ id: "ClusterRestoreActionRequest" });
export type ClusterRestoreActionRequest = z.infer<typeof ClusterRestoreActionRequestSchema>;

/** restore on a MySQLBackup: the restore target (an existing cluster, or a new one). */
export const BackupRestoreActionRequestSchema = z
  .strictObject({ target: strictDeep(RestoreTargetSchema) })
  .meta({ id: "BackupRestoreActionRequest" });
export type BackupRestoreActionRequest = z.infer<typeof BackupRestoreActionRequestSchema>;

/** switchover: the replica pod to promote, `<cluster>-<ordinal>`. */
export const SwitchoverActionRequestSchema = z
  .strictObject({
    targetInstance: z
      .string()
      .min(1, "must not be empty")
      .max(63, "must be at most 63 characters")
      .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?-[0-9]+$/, "must be a pod name such as orders-1")
      .describe("Pod name of the replica to promote, e.g. orders-1."),
  })
  .meta({ id: "SwitchoverActionRequest" });
export type SwitchoverActionRequest = z.infer<typeof SwitchoverActionRequestSchema>;

/**
 * The body schema of an action of a kind (the same action can take different bodies on
 * different kinds: `restore` on a cluster names a backup, on a backup names a target).
 */
export function actionRequestSchema(plural: KindPlural, action: ActionName): z.ZodType {
  switch (action) {
    case "backup":
      return BackupActionRequestSchema;
    case "restore":
      return plural === "mysqlbackups"
        ? BackupRestoreActionRequestSchema
        : ClusterRestoreActionRequestSchema;
    case "switchover":
      return SwitchoverActionRequestSchema;
    default:
      return EmptyActionRequestSchema;
  }
}
