import "server-only";
import type { V1Pod } from "@kubernetes/client-node";
import type { OperationError } from "@/lib/crds/mysql-backup";
import { JobResultSchema, type JobResult } from "@/server/backup/result";
import type { JobOutcome } from "../mysql-backup/job-result";
import { dataUntouched } from "./checks";
import { RESTORE_CONTAINER } from "./names";

/**
 * The restore command's result line (server/backup/result.ts) from the termination message of
 * the restore container of the Job's pods, newest pod first; undefined when no pod has a
 * readable one (the pod is gone, or nothing ran it — KWOK runs no containers).
 *
 * @see https://kubernetes.io/docs/tasks/debug/debug-application/determine-reason-pod-failure/
 */
export function restoreReport(pods: readonly V1Pod[]): JobResult | undefined {
  const newestFirst = [...pods].sort((a, b) =>
    String(b.metadata?.creationTimestamp ?? "").localeCompare(
      String(a.metadata?.creationTimestamp ?? ""),
    ),
  );
  for (const pod of newestFirst) {
    const status = pod.status?.containerStatuses?.find((c) => c.name === RESTORE_CONTAINER);
    const message = status?.state?.terminated?.message?.trim();
    if (!message) continue;
    try {
      const parsed = JobResultSchema.safeParse(JSON.parse(message));
      if (parsed.success) return parsed.data;
    } catch {
      // not JSON: judged by the Job's conditions alone
    }
  }
  return undefined;
}

/** How a finished restore Job ended, and whether the data can have changed. */
export type RestoreVerdict =
  | { ok: true; bytesApplied?: number }
  | { ok: false; error: OperationError; dataUntouched: boolean };

/**
 * Judges a finished restore Job. The command exits 0 only when it applied the whole verified
 * backup, so a `Complete` Job is a success; its result line, when there is one, adds the bytes
 * applied. A `Failed` Job fails with the command's own error when it reported one (and says
 * whether that error came before anything was applied), or with the Job's reason otherwise —
 * in which case nothing is known about the data.
 *
 * @param outcome a finished outcome (`succeeded` or `failed`).
 */
export function judgeRestoreJob(
  jobName: string,
  outcome: Exclude<JobOutcome, { state: "running" }>,
  report: JobResult | undefined,
): RestoreVerdict {
  const restoreResult = report?.operation === "restore" ? report : undefined;
  if (outcome.state === "succeeded" && restoreResult?.phase !== "Failed") {
    return restoreResult?.phase === "Succeeded"
      ? { ok: true, bytesApplied: restoreResult.bytesApplied }
      : { ok: true };
  }
  if (restoreResult?.phase === "Failed") {
    return {
      ok: false,
      error: { code: restoreResult.error.code, message: restoreResult.error.message },
      dataUntouched: dataUntouched(restoreResult.error),
    };
  }
  const why =
    outcome.state === "failed" ? `${outcome.reason}: ${outcome.message}` : "no result reported";
  return {
    ok: false,
    error: { code: "JobFailed", message: `Job ${jobName} failed (${why})` },
    dataUntouched: false,
  };
}
