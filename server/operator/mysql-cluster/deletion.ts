import "server-only";
import type { Logger } from "pino";
import { OPERATOR_SHARD_LABEL, RECONCILE_ANNOTATION } from "@/lib/crds/common";
import { BACKUP_LABEL, MySQLBackupNames, MySQLBackupSchema } from "@/lib/crds/mysql-backup";
import {
  ClusterConditionType,
  MYSQL_API_VERSION,
  MYSQL_CLUSTER_FINALIZER,
  type MySQLCluster,
  type MySQLClusterStatus,
} from "@/lib/crds/mysql-cluster";
import type { ReconcileResult } from "../runtime/controller";
import { findCondition, setConditions } from "../runtime/conditions";
import { isConflict } from "../runtime/kube-api-error";
import type { ClusterApi, RawCluster } from "./api";
import { ownedNames, podSelector } from "./names";
import type { ClusterEvent } from "./status-events";

/** Condition reasons of `Deleting`. */
export const DELETING_REASON = {
  DeletingServers: "DeletingServers",
  WaitingForFinalBackup: "WaitingForFinalBackup",
  FinalBackupFailed: "FinalBackupFailed",
  NoBackupStorage: "NoBackupStorage",
  ReconcilePaused: "ReconcilePaused",
} as const;

/** Annotation on a final backup: the uid of the cluster it was taken for. */
export const FINAL_BACKUP_OF_ANNOTATION = "mysql.pilothouse.dev/final-backup-of";

/** How often a deletion waiting for pods to stop looks again, in ms. */
const SERVERS_GONE_POLL_MS = 2_000;
/** How often a deletion waiting for its final backup looks again besides backup events, in ms. */
const FINAL_BACKUP_POLL_MS = 30_000;
/** Delay before re-reading a cluster whose finalizer write lost a race (409), in ms. */
const CONFLICT_REQUEUE_MS = 250;

/** What the finalizer needs from the controller. */
export interface DeletionContext {
  api: ClusterApi;
  now: () => Date;
  log: Logger;
  /** Writes `next` when it changed, then records the transition Events and `extra`. */
  writeStatus(
    raw: RawCluster,
    cluster: MySQLCluster,
    next: MySQLClusterStatus,
    extra?: ClusterEvent[],
  ): Promise<ReconcileResult | undefined>;
}

/**
 * The MySQLBackup a `BackupThenDelete` deletion takes: `<cluster>-final-<first 8 of the uid>`,
 * so that a later cluster of the same name never mistakes an older cluster's final backup for
 * its own, and two reconciles create one backup.
 */
export function finalBackupName(cluster: MySQLCluster): string {
  return `${cluster.metadata.name}-final-${(cluster.metadata.uid ?? "").slice(0, 8)}`;
}

/**
 * Adds {@link MYSQL_CLUSTER_FINALIZER} to a cluster that lacks it. Returns the cluster as stored
 * afterwards (`raw` when nothing was needed), or "conflict" when the cluster changed meanwhile.
 */
export async function ensureFinalizer(
  api: ClusterApi,
  raw: RawCluster,
  cluster: MySQLCluster,
): Promise<RawCluster | "conflict"> {
  const finalizers = cluster.metadata.finalizers ?? [];
  if (finalizers.includes(MYSQL_CLUSTER_FINALIZER)) return raw;
  try {
    return await api.setFinalizers(raw, [...finalizers, MYSQL_CLUSTER_FINALIZER]);
  } catch (error) {
    if (isConflict(error)) return "conflict";
    throw error;
  }
}

/** The status of a cluster being deleted: the `Deleting` condition and phase `Deleting`. */
export function deletingStatus(
  cluster: MySQLCluster,
  progressing: boolean,
  reason: string,
  message: string,
  now: Date,
): MySQLClusterStatus {
  const previous = cluster.status ?? {};
  const conditions = setConditions(
    previous.conditions,
    [
      {
        type: ClusterConditionType.Deleting,
        status: progressing ? "True" : "False",
        reason,
        message,
        observedGeneration: cluster.metadata.generation ?? 0,
      },
    ],
    now,
  );
  return { ...previous, phase: "Deleting", conditions };
}

/** A Warning Event when the deletion becomes blocked, or blocked for another reason. */
function blockedEvents(cluster: MySQLCluster, next: MySQLClusterStatus): ClusterEvent[] {
  const before = findCondition(cluster.status?.conditions, ClusterConditionType.Deleting);
  const after = findCondition(next.conditions, ClusterConditionType.Deleting);
  if (!after || after.status !== "False") return [];
  if (before?.status === after.status && before.reason === after.reason) return [];
  return [{ type: "Warning", reason: after.reason, message: after.message }];
}

/**
 * The finalizer of a deleted MySQLCluster, carrying out `spec.deletionPolicy`:
 *
 * - `Retain`: releases the credentials Secret (removes the owner reference, so the garbage
 *   collector keeps it) and keeps every PersistentVolumeClaim (the StatefulSet's retention policy
 *   is Retain); a new cluster of the same name finds both again.
 * - `Delete`: deletes the StatefulSet, waits until its pods are gone, then deletes the volume
 *   claims and the credentials Secret.
 * - `BackupThenDelete`: creates the final MySQLBackup ({@link finalBackupName}) to the first
 *   storage of `spec.backup.storages`, waits for it to succeed, then deletes as `Delete`. When it
 *   fails, no storage exists, or the cluster is stopped (no server to back up, and a cluster
 *   being deleted is not started again), the deletion stops with `Deleting=False` (reason
 *   `FinalBackupFailed` / `NoBackupStorage`) and a Warning Event saying what the user can do;
 *   changing the policy, or deleting the failed backup to try again, lets it go on.
 *
 * A paused cluster is not finalized: `Deleting=False`, reason `ReconcilePaused`.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/finalizers/
 */
export async function finalizeCluster(
  context: DeletionContext,
  raw: RawCluster,
  cluster: MySQLCluster,
): Promise<ReconcileResult | undefined> {
  const { api, now } = context;
  if (!cluster.metadata.finalizers?.includes(MYSQL_CLUSTER_FINALIZER)) return undefined;
  const namespace = cluster.metadata.namespace ?? "";
  const write = (progressing: boolean, reason: string, message: string) => {
    const next = deletingStatus(cluster, progressing, reason, message, now());
    return context.writeStatus(raw, cluster, next, blockedEvents(cluster, next));
  };
  if (cluster.metadata.annotations?.[RECONCILE_ANNOTATION] === "paused") {
    return write(
      false,
      DELETING_REASON.ReconcilePaused,
      `Deletion waits: reconciliation is paused by ${RECONCILE_ANNOTATION}=paused. Remove the annotation to apply deletionPolicy ${cluster.spec.deletionPolicy}.`,
    );
  }
  const policy = cluster.spec.deletionPolicy;
  if (policy === "Retain") return retain(context, raw, cluster);
  if (policy === "BackupThenDelete") {
    const waiting = await finalBackup(context, cluster, write);
    if (waiting !== "done") return waiting;
  }
  const names = ownedNames(cluster.metadata.name);
  await api.deleteStatefulSet(namespace, names.statefulSet);
  const pods = await api.listPods(namespace, podSelector(cluster.metadata.name));
  if (pods.length > 0) {
    const written = await write(
      true,
      DELETING_REASON.DeletingServers,
      `Deleting: waiting for ${pods.length} server(s) to stop before deleting their volumes.`,
    );
    return written ?? { requeueAfterMs: SERVERS_GONE_POLL_MS };
  }
  const claims = await api.listVolumeClaims(namespace, podSelector(cluster.metadata.name));
  for (const claim of claims) await api.deleteVolumeClaim(namespace, claim);
  await api.deleteSecret(namespace, names.credentialsSecret);
  const what = claims.length > 0 ? claims.join(", ") : "no volume claims";
  const after =
    policy === "BackupThenDelete" ? ` after the final MySQLBackup ${finalBackupName(cluster)}` : "";
  return removeFinalizer(context, raw, cluster, {
    type: "Normal",
    reason: "DataDeleted",
    message: `deletionPolicy ${policy}: deleted ${what} and Secret ${names.credentialsSecret}${after}.`,
  });
}

async function retain(
  context: DeletionContext,
  raw: RawCluster,
  cluster: MySQLCluster,
): Promise<ReconcileResult | undefined> {
  const namespace = cluster.metadata.namespace ?? "";
  const names = ownedNames(cluster.metadata.name);
  await context.api.releaseSecret(namespace, names.credentialsSecret, cluster.metadata.uid ?? "");
  const claims = await context.api.listVolumeClaims(namespace, podSelector(cluster.metadata.name));
  const kept = claims.length > 0 ? claims.join(", ") : "no volume claims";
  return removeFinalizer(context, raw, cluster, {
    type: "Normal",
    reason: "DataRetained",
    message: `deletionPolicy Retain: kept ${kept} and Secret ${names.credentialsSecret}; a new MySQLCluster named ${cluster.metadata.name} uses them again.`,
  });
}

async function removeFinalizer(
  context: DeletionContext,
  raw: RawCluster,
  cluster: MySQLCluster,
  event: ClusterEvent,
): Promise<ReconcileResult | undefined> {
  const rest = (cluster.metadata.finalizers ?? []).filter((f) => f !== MYSQL_CLUSTER_FINALIZER);
  try {
    await context.api.setFinalizers(raw, rest);
  } catch (error) {
    if (isConflict(error)) return { requeueAfterMs: CONFLICT_REQUEUE_MS };
    throw error;
  }
  const { namespace, name } = cluster.metadata;
  context.log.info({ namespace, cluster: name, reason: event.reason }, event.message);
  await context.api.recordEvent(cluster, event, context.now()).catch((error: unknown) => {
    context.log.warn({ err: error, reason: event.reason }, "could not record event");
  });
  return undefined;
}

type Write = (
  progressing: boolean,
  reason: string,
  message: string,
) => Promise<ReconcileResult | undefined>;

const HOW_TO_GO_ON =
  "The cluster and its data are kept until then. To delete without a final backup set spec.deletionPolicy to Delete; to keep the volumes and Secret set it to Retain.";

/** The final backup's step: "done" once it succeeded, or what to return while it does not. */
async function finalBackup(
  context: DeletionContext,
  cluster: MySQLCluster,
  write: Write,
): Promise<"done" | ReconcileResult | undefined> {
  const { api } = context;
  const namespace = cluster.metadata.namespace ?? "";
  const storage = cluster.spec.backup?.storages[0];
  if (!storage) {
    return write(
      false,
      DELETING_REASON.NoBackupStorage,
      `deletionPolicy BackupThenDelete needs a storage in spec.backup.storages for the final backup, and there is none. ${HOW_TO_GO_ON}`,
    );
  }
  const name = finalBackupName(cluster);
  const stored = await api.getBackup(namespace, name);
  if (stored === undefined && cluster.spec.stopped) {
    return write(
      false,
      DELETING_REASON.FinalBackupFailed,
      `No final backup can be taken: the cluster is stopped (spec.stopped: true) and no server runs, and a cluster being deleted is not started again. ${HOW_TO_GO_ON}`,
    );
  }
  if (stored === undefined) {
    const shard = cluster.metadata.labels?.[OPERATOR_SHARD_LABEL];
    await api.createBackup({
      apiVersion: MYSQL_API_VERSION,
      kind: MySQLBackupNames.kind,
      metadata: {
        name,
        namespace,
        labels: {
          [BACKUP_LABEL.cluster]: cluster.metadata.name,
          ...(shard ? { [OPERATOR_SHARD_LABEL]: shard } : {}),
        },
        annotations: { [FINAL_BACKUP_OF_ANNOTATION]: cluster.metadata.uid ?? "" },
      },
      spec: { clusterName: cluster.metadata.name, storageName: storage.name },
    });
    await api
      .recordEvent(
        cluster,
        {
          type: "Normal",
          reason: "FinalBackupStarted",
          message: `deletionPolicy BackupThenDelete: created MySQLBackup ${name} to storage ${storage.name}; the data is deleted once it succeeds.`,
        },
        context.now(),
      )
      .catch((error: unknown) => context.log.warn({ err: error }, "could not record event"));
  }
  const parsed = MySQLBackupSchema.safeParse(stored);
  const phase = parsed.success ? parsed.data.status?.phase : undefined;
  if (phase === "Succeeded") return "done";
  if (phase === "Failed") {
    const error = parsed.success ? parsed.data.status?.error : undefined;
    const why = error ? ` (${error.code}: ${error.message})` : "";
    return write(
      false,
      DELETING_REASON.FinalBackupFailed,
      `The final MySQLBackup ${name} failed${why}. Delete MySQLBackup ${name} to try again once the cause is fixed. ${HOW_TO_GO_ON}`,
    );
  }
  const written = await write(
    true,
    DELETING_REASON.WaitingForFinalBackup,
    `Waiting for the final MySQLBackup ${name} (${phase ?? "Pending"}) before deleting the data.`,
  );
  return written ?? { requeueAfterMs: FINAL_BACKUP_POLL_MS };
}
