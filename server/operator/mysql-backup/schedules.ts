import "server-only";
import { CronExpressionParser } from "cron-parser";
import { durationSeconds, type Retention } from "@/lib/crds/cluster-backup";
import type { BackupPhase } from "@/lib/crds/mysql-backup";

/**
 * Pure schedule arithmetic: which tick is due, when the next one comes, and which runs a
 * retention lets go. Times are UTC; cron expressions are the five-field kind of
 * `spec.backup.schedules[].cron`.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax
 */

/** A tick older than this (ms) is missed, not run late — unless ticks come more often. */
export const STARTING_DEADLINE_MS = 10 * 60_000;

/** Failed runs of a schedule kept for inspection, newest first; older ones are deleted. */
export const FAILED_RUNS_KEPT = 3;

function parse(cron: string, currentDate: Date) {
  return CronExpressionParser.parse(cron, { currentDate, tz: "UTC" });
}

/**
 * The latest tick at or before `now`.
 *
 * @throws Error from cron-parser when `cron` is not a valid expression.
 */
export function latestTick(cron: string, now: Date): Date {
  // cron-parser's prev() is strictly before currentDate; ticks are whole minutes.
  return parse(cron, new Date(now.getTime() + 1))
    .prev()
    .toDate();
}

/** The first tick after `now`. @throws Error when `cron` is not a valid expression. */
export function nextTick(cron: string, now: Date): Date {
  return parse(cron, now).next().toDate();
}

/**
 * The tick a run should exist for at `now`, or undefined when the latest tick is too old to run
 * late: older than {@link STARTING_DEADLINE_MS}, or than the gap to the tick before it (so a new
 * schedule `0 2 * * *` added at 10:30 waits for tomorrow's 02:00, and an operator that was down
 * for a day does not start yesterday's run now).
 */
export function dueTick(cron: string, now: Date): Date | undefined {
  const tick = latestTick(cron, now);
  const before = parse(cron, tick).prev().toDate();
  const deadline = Math.min(STARTING_DEADLINE_MS, tick.getTime() - before.getTime());
  return now.getTime() - tick.getTime() <= deadline ? tick : undefined;
}

/** What retention needs to know of one run of a schedule. */
export interface ScheduleRun {
  name: string;
  phase: BackupPhase | undefined;
  /** When the run finished (status.completedAt), else when it was created. */
  finishedAt: Date;
  /** True when the MySQLBackup is already being deleted. */
  deleting: boolean;
}

/**
 * The runs a schedule's retention deletes:
 * - successful runs, newest first, are kept when among the newest `keepLast`, or not older than
 *   `maxAge`; kept by either rule means kept. The newest successful run is always kept. Without
 *   a retention every successful run is kept.
 * - failed runs beyond the newest {@link FAILED_RUNS_KEPT} are deleted.
 * - runs still pending or running, and runs already being deleted, are never chosen.
 *
 * @returns names, oldest last.
 */
export function retentionVictims(
  runs: readonly ScheduleRun[],
  retention: Retention | undefined,
  now: Date,
): string[] {
  const newestFirst = (phase: BackupPhase) =>
    runs
      .filter((run) => run.phase === phase && !run.deleting)
      .sort((a, b) => b.finishedAt.getTime() - a.finishedAt.getTime());
  const victims: string[] = [];
  if (retention) {
    const maxAgeMs =
      retention.maxAge !== undefined ? (durationSeconds(retention.maxAge) ?? 0) * 1000 : undefined;
    newestFirst("Succeeded").forEach((run, index) => {
      const keptByCount = retention.keepLast !== undefined && index < retention.keepLast;
      const keptByAge =
        maxAgeMs !== undefined && now.getTime() - run.finishedAt.getTime() <= maxAgeMs;
      if (index > 0 && !keptByCount && !keptByAge) victims.push(run.name);
    });
  }
  victims.push(
    ...newestFirst("Failed")
      .slice(FAILED_RUNS_KEPT)
      .map((run) => run.name),
  );
  return victims;
}
