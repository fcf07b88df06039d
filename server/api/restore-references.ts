import "server-only";
import { z } from "zod";
import { MySQLRestoreSpecSchema } from "@/lib/crds/mysql-restore";
import type { UserKubeClients } from "../kube/client";
import { KubeApiError } from "../kube/errors";
import { getResource } from "../kube/resources";
import { BACKUPS, CLUSTERS } from "./actions-mysql";
import { apiError, type ApiError } from "./errors";

/** A MySQLBackup whose run failed: it holds nothing to restore. */
const FailedSchema = z.object({ status: z.object({ phase: z.literal("Failed") }) });

/**
 * Checks a MySQLRestore's spec against the objects it names, read as the caller: 422 on
 * `spec.backupName` when no MySQLBackup of that name is in `namespace`, and on
 * `spec.target.clusterName` when the existing cluster it restores into is not there, and on
 * `spec.target.newCluster.name` when the cluster it would create already exists. Without it
 * the apiserver accepts any name and the operator fails the restore (`BackupNotFound`,
 * `ClusterNotFound`), which stays the backstop for objects deleted later. A backup that Failed
 * is refused on `spec.backupName` too; one that has not finished is accepted: the operator
 * waits for it (`WaitingForBackup`).
 *
 * @param spec - the create body's `spec` (already validated against the CRD's schema).
 * @returns the refusal, or `null` when both exist, or when the caller may not read them
 *   (Kubernetes RBAC then decides on the create alone).
 * @throws KubeApiError other than 403/404, KubeConnectionError.
 */
export async function restoreSpecProblem(
  kube: UserKubeClients,
  namespace: string,
  spec: unknown,
): Promise<ApiError | null> {
  const parsed = MySQLRestoreSpecSchema.safeParse(spec);
  if (!parsed.success) return null;
  const { backupName, target } = parsed.data;
  const named = [
    { field: "spec.backupName", kind: BACKUPS, name: backupName },
    ...(target.clusterName === undefined
      ? []
      : [{ field: "spec.target.clusterName", kind: CLUSTERS, name: target.clusterName }]),
  ];
  const causes: { field: string; message: string }[] = [];
  for (const { field, kind, name } of named) {
    try {
      const object = await getResource(kube, kind, namespace, name);
      if (kind === BACKUPS && FailedSchema.safeParse(object).success) {
        causes.push({
          field,
          message: `MySQLBackup ${name} Failed: a failed backup cannot be restored`,
        });
      }
    } catch (err) {
      if (!(err instanceof KubeApiError) || (err.status !== 404 && err.status !== 403)) throw err;
      if (err.status === 404) {
        causes.push({
          field,
          message: `${kind.kind} ${name} does not exist in namespace ${namespace}`,
        });
      }
    }
  }
  const created = target.newCluster?.name;
  if (created !== undefined) {
    try {
      await getResource(kube, CLUSTERS, namespace, created);
      causes.push({
        field: "spec.target.newCluster.name",
        message: `MySQLCluster ${created} already exists in namespace ${namespace}: restore into it with target.clusterName, or choose another name`,
      });
    } catch (err) {
      if (!(err instanceof KubeApiError) || (err.status !== 404 && err.status !== 403)) throw err;
    }
  }
  return causes.length === 0 ? null : apiError(422, "Invalid", "Invalid MySQLRestore.", causes);
}
