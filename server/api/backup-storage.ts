import "server-only";
import { MySQLBackupSpecSchema } from "@/lib/crds/mysql-backup";
import { MySQLClusterSchema, type MySQLCluster } from "@/lib/crds/mysql-cluster";
import type { UserKubeClients } from "../kube/client";
import { KubeApiError } from "../kube/errors";
import { getResource } from "../kube/resources";
import { apiError, type ApiError } from "./errors";
import { CLUSTERS } from "./actions-mysql";

/**
 * Refusal of a backup whose storage its cluster lacks, before the MySQLBackup exists: without
 * it the apiserver accepts any name and the operator fails the run (phase `Failed`, error code
 * `StorageNotFound`), which stays the backstop for clusters edited after the backup was created.
 */

/** The names of a cluster's `spec.backup.storages`, in order. */
export function storageNamesOf(cluster: MySQLCluster): string[] {
  return (cluster.spec.backup?.storages ?? []).map((s) => s.name);
}

/**
 * The 422 of a storage name the cluster does not have, on `field` (`storageName` in an action
 * body, `spec.storageName` in a MySQLBackup), listing the storages the cluster has.
 */
export function unknownStorage(cluster: MySQLCluster, field: string, message: string): ApiError {
  const known = storageNamesOf(cluster);
  const name = cluster.metadata.name;
  const why =
    known.length === 0
      ? `MySQLCluster ${name} has no backup storage: add one to spec.backup.storages first`
      : `must be one of the cluster's storages: ${known.join(", ")}`;
  return apiError(422, "Invalid", message, [{ field, message: why }]);
}

/**
 * Checks a MySQLBackup's spec against its cluster, read as the caller: 422 on
 * `spec.clusterName` when the cluster does not exist in `namespace`, 422 on `spec.storageName`
 * (listing the cluster's storages) when the cluster has no storage of that name.
 *
 * @param spec - the create body's `spec` (already validated against the CRD's schema).
 * @returns the refusal, or `null` when the backup fits its cluster, or when the caller may not
 *   read the cluster (Kubernetes RBAC then decides on the create alone, and the operator's
 *   `StorageNotFound` failure is the backstop).
 * @throws KubeApiError other than 403/404, KubeConnectionError.
 */
export async function backupSpecProblem(
  kube: UserKubeClients,
  namespace: string,
  spec: unknown,
): Promise<ApiError | null> {
  const parsed = MySQLBackupSpecSchema.safeParse(spec);
  if (!parsed.success) return null;
  const { clusterName, storageName } = parsed.data;
  let raw: Record<string, unknown>;
  try {
    raw = await getResource(kube, CLUSTERS, namespace, clusterName);
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404) {
      return apiError(422, "Invalid", "Invalid MySQLBackup.", [
        {
          field: "spec.clusterName",
          message: `MySQLCluster ${clusterName} does not exist in namespace ${namespace}`,
        },
      ]);
    }
    if (err instanceof KubeApiError && err.status === 403) return null;
    throw err;
  }
  const cluster = MySQLClusterSchema.safeParse(raw);
  if (!cluster.success) return null;
  if (storageNamesOf(cluster.data).includes(storageName)) return null;
  return unknownStorage(cluster.data, "spec.storageName", "Invalid MySQLBackup.");
}
