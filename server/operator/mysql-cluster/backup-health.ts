import "server-only";
import { CronExpressionParser } from "cron-parser";
import { MySQLBackupSchema, type MySQLBackup } from "@/lib/crds/mysql-backup";
import {
  ClusterConditionType,
  type BackupRecord,
  type MySQLCluster,
} from "@/lib/crds/mysql-cluster";
import type { ConditionInput } from "../runtime/conditions";

/** Reasons of the `BackupHealthy` condition. */
export const BACKUP_REASON = {
  BackupSucceeded: "BackupSucceeded",
  BackupFailed: "BackupFailed",
  NoRecentBackup: "NoRecentBackup",
  NoBackupConfigured: "NoBackupConfigured",
  AwaitingFirstBackup: "AwaitingFirstBackup",
  ClusterStopped: "ClusterStopped",
} as const;

/**
 * A successful backup is overdue when older than this many expected intervals: one interval for
 * the next run to come, one more for it to finish (or to be retried by hand).
 */
export const OVERDUE_INTERVALS = 2;

/** What a cluster's MySQLBackups say about its backups. */
export interface BackupHealth {
  lastSuccessfulBackup?: BackupRecord;
  lastFailedBackup?: BackupRecord;
  /** The newest finished backup failed. */
  lastBackupFailed: boolean;
  /** Names of the cluster's backups in phase Running. */
  running: string[];
  /**
   * Seconds between two ticks of the most frequent active (not suspended) schedule; undefined
   * without one.
   */
  expectedIntervalSeconds?: number;
  /** The `BackupHealthy` condition (without observedGeneration). */
  condition: Omit<ConditionInput, "observedGeneration">;
}

/** The cluster's backups among a namespace's MySQLBackups (unparseable ones skipped). */
export function backupsOf(cluster: MySQLCluster, stored: readonly unknown[]): MySQLBackup[] {
  return stored
    .map((raw) => MySQLBackupSchema.safeParse(raw))
    .flatMap((parsed) => (parsed.success ? [parsed.data] : []))
    .filter((backup) => backup.spec.clusterName === cluster.metadata.name);
}

/**
 * Seconds between the two latest ticks of a cron schedule (UTC) at `now`; undefined when the
 * expression does not parse.
 */
export function cronIntervalSeconds(cron: string, now: Date): number | undefined {
  try {
    const ticks = CronExpressionParser.parse(cron, { currentDate: now, tz: "UTC" });
    const latest = ticks.prev().getTime();
    const before = ticks.prev().getTime();
    return (latest - before) / 1000;
  } catch {
    return undefined;
  }
}

/**
 * Orders finished runs: by completion, then by creation (both whole seconds, so two runs can
 * share a second). Negative when `a` finished before `b`.
 */
function finishOrder(a: MySQLBackup, b: MySQLBackup): number {
  const time = (text: string | undefined) => (text ? Date.parse(text) : 0);
  return (
    time(a.status?.completedAt) - time(b.status?.completedAt) ||
    time(a.metadata.creationTimestamp) - time(b.metadata.creationTimestamp)
  );
}

function newest(backups: MySQLBackup[], phase: "Succeeded" | "Failed"): MySQLBackup | undefined {
  return backups
    .filter((b) => b.status?.phase === phase && b.status.completedAt !== undefined)
    .sort((a, b) => finishOrder(b, a))[0];
}

function record(backup: MySQLBackup | undefined): BackupRecord | undefined {
  if (!backup) return undefined;
  return { name: backup.metadata.name, completedAt: backup.status?.completedAt ?? "" };
}

function formatSeconds(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${Math.round(seconds)}s`;
}

/**
 * Judges a cluster's backups at `now`:
 *
 * - the newest finished backup (by completion, then creation; a tie counts as failed) failed:
 *   `False`, `BackupFailed`, naming it and its error;
 * - no active schedule: `True` (`BackupSucceeded`) after a successful backup on demand, else
 *   `Unknown` (`NoBackupConfigured`);
 * - stopped (schedules create no runs): `Unknown`, `ClusterStopped`;
 * - the last success is at most {@link OVERDUE_INTERVALS} expected intervals old: `True`;
 * - none yet, and the cluster is younger than that: `Unknown`, `AwaitingFirstBackup`;
 * - otherwise `False`, `NoRecentBackup`.
 *
 * The expected interval is that of the most frequent active schedule (see
 * {@link cronIntervalSeconds}).
 */
export function backupHealth(
  cluster: MySQLCluster,
  backups: readonly MySQLBackup[],
  now: Date,
): BackupHealth {
  const mine = backups.filter((b) => b.spec.clusterName === cluster.metadata.name);
  const [succeeded, failed] = [newest(mine, "Succeeded"), newest(mine, "Failed")];
  const lastSuccessfulBackup = record(succeeded);
  const lastFailedBackup = record(failed);
  // A tie (same second for both times) counts as a failure: better a false alarm than none.
  const lastBackupFailed =
    failed !== undefined && (succeeded === undefined || finishOrder(failed, succeeded) >= 0);
  const running = mine
    .filter((b) => b.status?.phase === "Running")
    .map((b) => b.metadata.name)
    .sort();
  const intervals = (cluster.spec.backup?.schedules ?? [])
    .filter((s) => !s.suspend)
    .map((s) => ({ schedule: s.name, seconds: cronIntervalSeconds(s.cron, now) }))
    .filter((s): s is { schedule: string; seconds: number } => s.seconds !== undefined)
    .sort((a, b) => a.seconds - b.seconds);
  const expected = intervals[0];
  const base = {
    lastBackupFailed,
    running,
    ...(lastSuccessfulBackup ? { lastSuccessfulBackup } : {}),
    ...(lastFailedBackup ? { lastFailedBackup } : {}),
    ...(expected ? { expectedIntervalSeconds: expected.seconds } : {}),
  };
  const condition = (status: "True" | "False" | "Unknown", reason: string, message: string) => ({
    ...base,
    condition: { type: ClusterConditionType.BackupHealthy, status, reason, message },
  });
  if (lastBackupFailed && lastFailedBackup) {
    const failed = mine.find((b) => b.metadata.name === lastFailedBackup.name);
    const error = failed?.status?.error;
    const why = error ? `: ${error.code}: ${error.message}` : "";
    return condition(
      "False",
      BACKUP_REASON.BackupFailed,
      `The last backup, MySQLBackup ${lastFailedBackup.name}, failed at ${lastFailedBackup.completedAt}${why}`,
    );
  }
  const success = lastSuccessfulBackup
    ? `The last successful backup is MySQLBackup ${lastSuccessfulBackup.name} (${lastSuccessfulBackup.completedAt})`
    : "No backup has succeeded yet";
  if (!expected) {
    return lastSuccessfulBackup
      ? condition("True", BACKUP_REASON.BackupSucceeded, `${success}; no schedule is active.`)
      : condition(
          "Unknown",
          BACKUP_REASON.NoBackupConfigured,
          "No active backup schedule in spec.backup.schedules and no successful backup.",
        );
  }
  if (cluster.spec.stopped) {
    return condition(
      "Unknown",
      BACKUP_REASON.ClusterStopped,
      `${success}; schedules take no backups while the cluster is stopped.`,
    );
  }
  const allowedMs = expected.seconds * OVERDUE_INTERVALS * 1000;
  const every = `schedule ${expected.schedule} expects one every ${formatSeconds(expected.seconds)}`;
  const since = lastSuccessfulBackup?.completedAt ?? cluster.metadata.creationTimestamp;
  const ageMs = since ? now.getTime() - Date.parse(since) : 0;
  if (lastSuccessfulBackup && ageMs <= allowedMs) {
    return condition("True", BACKUP_REASON.BackupSucceeded, `${success}; ${every}.`);
  }
  if (!lastSuccessfulBackup && ageMs <= allowedMs) {
    return condition("Unknown", BACKUP_REASON.AwaitingFirstBackup, `${success}; ${every}.`);
  }
  return condition(
    "False",
    BACKUP_REASON.NoRecentBackup,
    `${success}, more than ${OVERDUE_INTERVALS} intervals ago; ${every}. Check the schedule's MySQLBackups and the operator's Events.`,
  );
}
