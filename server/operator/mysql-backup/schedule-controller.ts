import "server-only";
import type { Logger } from "pino";
import { OPERATOR_SHARD_LABEL, RECONCILE_ANNOTATION } from "@/lib/crds/common";
import type { BackupSchedule } from "@/lib/crds/cluster-backup";
import { MySQLBackupNames, MySQLBackupSchema } from "@/lib/crds/mysql-backup";
import {
  MYSQL_API_VERSION,
  MySQLClusterNames,
  MySQLClusterSchema,
  type MySQLCluster,
} from "@/lib/crds/mysql-cluster";
import type { Reconciler } from "../runtime/controller";
import { parseObjectKey } from "../runtime/watched-object";
import type { BackupApi } from "./api";
import { scheduleRunLabels, scheduleRunName, scheduleRunSelector } from "./names";
import { dueTick, nextTick, retentionVictims, type ScheduleRun } from "./schedules";

export interface ScheduleReconcilerOptions {
  api: BackupApi;
  logger: Logger;
  /** The clock; tests pass their own. */
  now?: () => Date;
  /** Only clusters labelled with this shard; undefined = unlabelled ones. */
  shard?: string;
}

/** Slack added to the wait for the next tick, so the reconcile runs after it, in ms. */
const TICK_SLACK_MS = 500;

/** The longest wait between two schedule reconciles of one cluster, in ms. */
const MAX_WAIT_MS = 5 * 60_000;

/** The MySQLBackup of one run, labelled with its cluster and schedule (and the cluster's shard). */
function runObject(cluster: MySQLCluster, schedule: BackupSchedule, tick: Date) {
  const shard = cluster.metadata.labels?.[OPERATOR_SHARD_LABEL];
  return {
    apiVersion: MYSQL_API_VERSION,
    kind: MySQLBackupNames.kind,
    metadata: {
      name: scheduleRunName(cluster.metadata.name, schedule.name, tick),
      namespace: cluster.metadata.namespace,
      labels: {
        ...scheduleRunLabels(cluster.metadata.name, schedule.name),
        ...(shard ? { [OPERATOR_SHARD_LABEL]: shard } : {}),
      },
    },
    spec: {
      clusterName: cluster.metadata.name,
      storageName: schedule.storageName,
      scheduleName: schedule.name,
    },
  };
}

/** A listed MySQLBackup as retention sees it; undefined when it does not parse. */
function asRun(raw: unknown): ScheduleRun | undefined {
  const parsed = MySQLBackupSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const { metadata, status } = parsed.data;
  const finished = status?.completedAt ?? metadata.creationTimestamp ?? "";
  return {
    name: metadata.name,
    phase: status?.phase,
    finishedAt: new Date(finished),
    deleting: metadata.deletionTimestamp !== undefined,
  };
}

/**
 * The backup schedules of one MySQLCluster, reconciled from the MySQLCluster informer and
 * requeued for the next tick. For each schedule: when a tick is due (see `dueTick`) and the
 * schedule is not suspended and the cluster not stopped, create the run's MySQLBackup
 * `<cluster>-<schedule>-<yyyymmddhhmm>` (AlreadyExists = already done, so two reconciles or two
 * operators create one run); then delete the runs its retention lets go (each MySQLBackup's
 * finalizer deletes its object). A paused cluster gets neither.
 */
export function backupScheduleReconciler(options: ScheduleReconcilerOptions): Reconciler {
  const { api } = options;
  const now = options.now ?? (() => new Date());
  const log = options.logger.child({ module: "mysql-backup-schedules" });

  async function runSchedule(
    cluster: MySQLCluster,
    schedule: BackupSchedule,
    at: Date,
  ): Promise<void> {
    const namespace = cluster.metadata.namespace ?? "";
    const tick = schedule.suspend || cluster.spec.stopped ? undefined : dueTick(schedule.cron, at);
    if (tick) {
      const run = runObject(cluster, schedule, tick);
      const created = await api.createBackup(run);
      if (created === "created") {
        log.info(
          { namespace, cluster: cluster.metadata.name, backup: run.metadata.name },
          "scheduled backup created",
        );
        const target = {
          apiVersion: MYSQL_API_VERSION,
          kind: MySQLClusterNames.kind,
          name: cluster.metadata.name,
          namespace,
          uid: cluster.metadata.uid,
        };
        await api
          .recordEvent(
            target,
            {
              type: "Normal",
              reason: "BackupScheduled",
              message: `Schedule ${schedule.name} created MySQLBackup ${run.metadata.name}.`,
            },
            at,
          )
          .catch((error: unknown) => log.warn({ err: error }, "could not record event"));
      }
    }
    const listed = await api.listBackups(
      namespace,
      scheduleRunSelector(cluster.metadata.name, schedule.name),
    );
    const runs = listed.map(asRun).filter((run): run is ScheduleRun => run !== undefined);
    for (const victim of retentionVictims(runs, schedule.retention, at)) {
      log.info({ namespace, schedule: schedule.name, backup: victim }, "retention deletes backup");
      await api.deleteBackup(namespace, victim);
    }
  }

  return async (key) => {
    const { namespace, name } = parseObjectKey(key);
    if (!namespace) return undefined;
    const raw = await api.getCluster(namespace, name);
    if (!raw) return undefined;
    const parsed = MySQLClusterSchema.safeParse(raw);
    if (!parsed.success) return undefined;
    const cluster = parsed.data;
    if (cluster.metadata.labels?.[OPERATOR_SHARD_LABEL] !== options.shard) return undefined;
    if (cluster.metadata.deletionTimestamp) return undefined;
    if (cluster.metadata.annotations?.[RECONCILE_ANNOTATION] === "paused") return undefined;
    const schedules = cluster.spec.backup?.schedules ?? [];
    if (schedules.length === 0) return undefined;
    const at = now();
    let wait = MAX_WAIT_MS;
    for (const schedule of schedules) {
      try {
        wait = Math.min(wait, nextTick(schedule.cron, at).getTime() - at.getTime() + TICK_SLACK_MS);
      } catch (error) {
        log.warn(
          { key, schedule: schedule.name, err: error },
          "invalid cron expression; schedule skipped",
        );
        continue;
      }
      await runSchedule(cluster, schedule, at);
    }
    return { requeueAfterMs: Math.max(wait, TICK_SLACK_MS) };
  };
}
