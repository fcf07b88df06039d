import "server-only";
import { kindByPlural, type KindInfo } from "@/lib/api/kinds";
import {
  BACKUP_LABEL,
  isFinishedPhase,
  MySQLBackupSchema,
  type MySQLBackup,
} from "@/lib/crds/mysql-backup";
import { OPERATOR_SHARD_LABEL } from "@/lib/crds/common";
import { MySQLClusterSchema, type MySQLCluster } from "@/lib/crds/mysql-cluster";
import { MySQLRestoreSchema, type RestoreTarget } from "@/lib/crds/mysql-restore";
import type { UserKubeClients } from "../kube/client";
import { getResource, listResources } from "../kube/resources";
import { apiError, type ApiError } from "./errors";

/**
 * The preconditions of the MySQL actions, read as the caller: why a backup, restore, stop or
 * switchover cannot start now. Each check answers an {@link ApiError} (409 when the resource is
 * busy or in the wrong state, 422 when the request names something that does not fit) whose
 * message says why, or `null` when the action may go on.
 */

const kind = (plural: string): KindInfo => {
  const info = kindByPlural(plural);
  if (!info) throw new Error(`kind ${plural} missing from the registry`);
  return info;
};
export const CLUSTERS = kind("mysqlclusters");
export const BACKUPS = kind("mysqlbackups");
export const RESTORES = kind("mysqlrestores");

/** Reads a MySQLCluster as the caller. @throws KubeApiError (404, 403) or KubeConnectionError. */
export async function readCluster(
  kube: UserKubeClients,
  namespace: string,
  name: string,
): Promise<MySQLCluster> {
  return MySQLClusterSchema.parse(await getResource(kube, CLUSTERS, namespace, name));
}

/** Reads a MySQLBackup as the caller. @throws KubeApiError (404, 403) or KubeConnectionError. */
export async function readBackup(
  kube: UserKubeClients,
  namespace: string,
  name: string,
): Promise<MySQLBackup> {
  return MySQLBackupSchema.parse(await getResource(kube, BACKUPS, namespace, name));
}

const busy = (message: string, field?: string) =>
  apiError(409, "Conflict", message, field ? [{ field, message }] : []);

/** A backup of `cluster` that has not finished (Pending, Running, or not yet picked up). */
export async function backupInProgress(
  kube: UserKubeClients,
  namespace: string,
  cluster: string,
): Promise<ApiError | null> {
  const { items } = await listResources(kube, BACKUPS, { namespace });
  const running = items
    .map((item) => MySQLBackupSchema.parse(item))
    .find((b) => b.spec.clusterName === cluster && !isFinishedPhase(b.status?.phase));
  if (!running) return null;
  const phase = running.status?.phase ?? "Pending";
  return busy(
    `A backup of ${cluster} is already ${phase} (MySQLBackup ${running.metadata.name}); wait for it to finish.`,
  );
}

/** A restore into `cluster` that has not finished. */
export async function restoreInProgress(
  kube: UserKubeClients,
  namespace: string,
  cluster: string,
): Promise<ApiError | null> {
  const { items } = await listResources(kube, RESTORES, { namespace });
  const running = items
    .map((item) => MySQLRestoreSchema.parse(item))
    .find((r) => r.spec.target.clusterName === cluster && !isFinishedPhase(r.status?.phase));
  if (!running) return null;
  const phase = running.status?.phase ?? "Pending";
  return busy(
    `A restore into ${cluster} is ${phase} (MySQLRestore ${running.metadata.name}); wait for it to finish.`,
  );
}

/**
 * The storage a backup of `cluster` goes to: `requested`, else the first of
 * `spec.backup.storages`.
 */
export function backupStorage(
  cluster: MySQLCluster,
  requested: string | undefined,
): { ok: true; storageName: string } | { ok: false; error: ApiError } {
  const storages = cluster.spec.backup?.storages ?? [];
  const name = cluster.metadata.name;
  if (storages.length === 0) {
    return {
      ok: false,
      error: busy(
        `${name} has no backup storage: add one to spec.backup.storages first.`,
        "storageName",
      ),
    };
  }
  const storageName = requested ?? storages[0]?.name ?? "";
  if (!storages.some((s) => s.name === storageName)) {
    const known = storages.map((s) => s.name).join(", ");
    return {
      ok: false,
      error: apiError(422, "Invalid", "Invalid backup request.", [
        { field: "storageName", message: `must be one of the cluster's storages: ${known}` },
      ]),
    };
  }
  return { ok: true, storageName };
}

/**
 * The cluster's operator shard label, for the runs created for it: the operator (shard) that
 * reconciles a cluster must be the one that runs its backups and restores.
 */
function shardOf(object: { metadata: { labels?: Record<string, string> } }) {
  const shard = object.metadata.labels?.[OPERATOR_SHARD_LABEL];
  return shard === undefined ? {} : { [OPERATOR_SHARD_LABEL]: shard };
}

/** The new MySQLBackup object of a backup on demand. */
export function newBackup(cluster: MySQLCluster, storageName: string): Record<string, unknown> {
  const name = cluster.metadata.name;
  const labels = { [BACKUP_LABEL.cluster]: name, ...shardOf(cluster) };
  return {
    apiVersion: BACKUPS.apiVersion,
    kind: BACKUPS.kind,
    metadata: { generateName: `${name}-`, labels },
    spec: { clusterName: name, storageName },
  };
}

/**
 * Checks that `backupName` may be restored now into `target`: the backup Succeeded, and an
 * existing target cluster is running with no other restore into it.
 */
export async function restorePreconditions(
  kube: UserKubeClients,
  namespace: string,
  backup: MySQLBackup,
  target: RestoreTarget,
): Promise<ApiError | null> {
  if (backup.status?.phase !== "Succeeded") {
    return busy(
      `MySQLBackup ${backup.metadata.name} is ${backup.status?.phase ?? "Pending"}: only a Succeeded backup can be restored.`,
      "backupName",
    );
  }
  if (target.clusterName === undefined) return null;
  const cluster = await readCluster(kube, namespace, target.clusterName);
  if (cluster.spec.stopped) {
    return busy(
      `${target.clusterName} is stopped (or stopping): start it before restoring into it.`,
    );
  }
  return restoreInProgress(kube, namespace, target.clusterName);
}

/** The new MySQLRestore object (in the backup's operator shard, if any). */
export function newRestore(backup: MySQLBackup, target: RestoreTarget): Record<string, unknown> {
  const base = target.clusterName ?? target.newCluster?.name ?? backup.metadata.name;
  return {
    apiVersion: RESTORES.apiVersion,
    kind: RESTORES.kind,
    metadata: { generateName: `${base}-restore-`, labels: shardOf(backup) },
    spec: { backupName: backup.metadata.name, target },
  };
}

/** Whether `targetInstance` may be promoted in `cluster` now. */
export function switchoverProblem(cluster: MySQLCluster, targetInstance: string): ApiError | null {
  const name = cluster.metadata.name;
  const ordinal = targetInstance.startsWith(`${name}-`)
    ? Number(targetInstance.slice(name.length + 1))
    : NaN;
  if (!Number.isInteger(ordinal) || ordinal < 0 || ordinal >= cluster.spec.replicas) {
    return apiError(422, "Invalid", "Invalid switchover request.", [
      {
        field: "targetInstance",
        message: `must be a server of ${name}: ${name}-0 to ${name}-${cluster.spec.replicas - 1}`,
      },
    ]);
  }
  if (cluster.spec.stopped) {
    return busy(`${name} is stopped (or stopping): start it before a switchover.`);
  }
  const replication = cluster.status?.conditions?.find((c) => c.type === "ReplicationHealthy");
  if (replication?.reason === "DatabaseChecksDisabled") {
    return busy(
      `The operator does not reach ${name}'s database servers (database checks are disabled), so it cannot switch over.`,
    );
  }
  if (cluster.status?.primary === targetInstance) {
    return busy(`${targetInstance} is already the primary of ${name}.`);
  }
  return null;
}
