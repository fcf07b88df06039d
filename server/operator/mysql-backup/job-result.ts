import "server-only";
import type { V1Job, V1Pod } from "@kubernetes/client-node";
import { JobResultSchema, type JobResult } from "@/server/backup/result";
import { BACKUP_CONTAINER } from "./names";

/** Where a backup Job stands, from its conditions. */
export type JobOutcome =
  | { state: "running" }
  | { state: "succeeded" }
  | { state: "failed"; reason: string; message: string };

/**
 * The outcome of a Job from its `Complete` and `Failed` conditions (a Job that hit
 * `activeDeadlineSeconds` is `Failed` with reason `DeadlineExceeded`).
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#terminal-job-conditions
 */
export function jobOutcome(job: V1Job): JobOutcome {
  const condition = (type: string) =>
    job.status?.conditions?.find((c) => c.type === type && c.status === "True");
  const failed = condition("Failed");
  if (failed) {
    return {
      state: "failed",
      reason: failed.reason ?? "JobFailed",
      message: failed.message ?? "the Job failed",
    };
  }
  return condition("Complete") ? { state: "succeeded" } : { state: "running" };
}

/** What the backup container left in its termination message, if anything. */
export type TerminationReport =
  | { kind: "result"; result: JobResult; pod: string }
  | { kind: "unreadable"; pod: string; message: string }
  | { kind: "none" };

/**
 * Reads the backup command's result line (server/backup/result.ts) from the termination message
 * of the backup container of the Job's pods, newest pod first. `none` when no pod has one (the
 * pod is gone, or nothing ran it — KWOK runs no containers); `unreadable` when the message is
 * not a JobResult.
 *
 * @see https://kubernetes.io/docs/tasks/debug/debug-application/determine-reason-pod-failure/
 */
export function terminationReport(pods: V1Pod[]): TerminationReport {
  const newestFirst = [...pods].sort((a, b) =>
    String(b.metadata?.creationTimestamp ?? "").localeCompare(
      String(a.metadata?.creationTimestamp ?? ""),
    ),
  );
  for (const pod of newestFirst) {
    const status = pod.status?.containerStatuses?.find((c) => c.name === BACKUP_CONTAINER);
    const message = status?.state?.terminated?.message?.trim();
    if (!message) continue;
    const podName = pod.metadata?.name ?? "";
    try {
      const parsed = JobResultSchema.safeParse(JSON.parse(message));
      if (parsed.success) return { kind: "result", result: parsed.data, pod: podName };
    } catch {
      // not JSON: reported below
    }
    return { kind: "unreadable", pod: podName, message: message.slice(0, 300) };
  }
  return { kind: "none" };
}
