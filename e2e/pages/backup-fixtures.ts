import { adminObjects, type Ref } from "./admin-fixtures";

/**
 * Backup test fixtures read and written with the platform's admin kubeconfig: the storage a
 * cluster's spec names, and the runs (MySQLBackups, MySQLRestores) of a cluster as the
 * apiserver holds them, to check what the dashboard's API created.
 */

/** Label the API puts on every MySQLBackup of a cluster (`BACKUP_LABEL.cluster`). */
export const BACKUP_CLUSTER_LABEL = "mysql.pilothouse.dev/cluster";

/**
 * An entry of `MySQLCluster.spec.backup.storages[]`. No S3 server listens on the endpoint (port
 * 9, discard) and the credentials Secret need not exist: the e2e environment cannot complete a
 * real backup, it proves the UI flow and the objects the API creates.
 */
export function backupStorage(name: string) {
  return {
    name,
    s3: {
      endpoint: "http://127.0.0.1:9",
      bucket: "e2e-backups",
      forcePathStyle: true,
      credentialsSecretRef: { name: "e2e-s3-credentials" },
    },
  };
}

/** The fields of a run the tests check. */
export interface RunObject {
  metadata: { name: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
  status?: { phase?: string } & Record<string, unknown>;
}

/** Runs of `ref` in `namespace` whose labels match `labelSelector` (e.g. `a=b`). */
export async function listRuns(
  ref: Ref,
  namespace: string,
  labelSelector?: string,
): Promise<RunObject[]> {
  const list = (await adminObjects().listNamespacedCustomObject({
    ...ref,
    namespace,
    labelSelector,
  })) as { items: RunObject[] };
  return list.items;
}

/** Runs of `ref` in `namespace` whose spec names cluster `cluster` (backup or restore target). */
export async function runsOfCluster(
  ref: Ref,
  namespace: string,
  cluster: string,
): Promise<RunObject[]> {
  const items = await listRuns(ref, namespace);
  return items.filter((run) => {
    const target = run.spec.target as { clusterName?: unknown } | undefined;
    return run.spec.clusterName === cluster || target?.clusterName === cluster;
  });
}

/** One object of `ref`, as the admin reads it. */
export async function readRun(ref: Ref, namespace: string, name: string): Promise<RunObject> {
  return (await adminObjects().getNamespacedCustomObject({ ...ref, namespace, name })) as RunObject;
}

/** A UTC RFC 3339 timestamp without fractional seconds, as Kubernetes writes them. */
export function kubeTime(date = new Date()): string {
  return date.toISOString().replace(/\.\d+Z$/, "Z");
}
