import "server-only";
import type { V1Pod } from "@kubernetes/client-node";
import { ConditionType } from "@/lib/crds/common";
import {
  DEFAULT_PROGRESS_DEADLINE_SECONDS,
  type MySQLCluster,
  type MySQLClusterStatus,
} from "@/lib/crds/mysql-cluster";
import { findCondition, kubeTime, type ConditionInput } from "../runtime/conditions";

/** Reason of `Progressing=False` and `Degraded=True` once the deadline has passed. */
export const PROGRESS_DEADLINE_EXCEEDED = "ProgressDeadlineExceeded";

/** `spec.progressDeadlineSeconds`, or its default (600 s) when unset. */
export function progressDeadlineSeconds(cluster: MySQLCluster): number {
  return cluster.spec.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS;
}

/**
 * `status.progressingSince` for this reconcile: undefined once the current generation is rolled
 * out (or while the cluster is stopped); otherwise the time recorded before, unless the spec
 * changed since (the previous `Progressing` condition was computed from another generation),
 * in which case the clock starts again at `now`. Like a Deployment's progress deadline, the
 * clock counts from the last spec change (a start is one: `spec.stopped` turns false).
 */
export function progressingSince(
  cluster: MySQLCluster,
  rolledOut: boolean,
  now: Date,
): string | undefined {
  if (rolledOut || cluster.spec.stopped) return undefined;
  const generation = cluster.metadata.generation ?? 0;
  const previous = findCondition(cluster.status?.conditions, ConditionType.Progressing);
  const since = cluster.status?.progressingSince;
  return since && previous?.observedGeneration === generation ? since : kubeTime(now);
}

/** When the deadline runs out (Date ms), for a cluster progressing since `since`. */
export function progressDeadlineAt(cluster: MySQLCluster, since: string): number {
  return Date.parse(since) + progressDeadlineSeconds(cluster) * 1000;
}

/**
 * How long (ms, at least 1 s) until `next`'s progress deadline runs out, so that the reconcile
 * looks again then even if no watched object changes; undefined when nothing is progressing or
 * the deadline was already reported.
 */
export function progressDeadlineRequeueMs(
  cluster: MySQLCluster,
  next: MySQLClusterStatus,
  now: Date,
): number | undefined {
  if (next.progressingSince === undefined) return undefined;
  const progressing = findCondition(next.conditions, ConditionType.Progressing);
  if (progressing?.reason === PROGRESS_DEADLINE_EXCEEDED) return undefined;
  return Math.max(1000, progressDeadlineAt(cluster, next.progressingSince) - now.getTime() + 1000);
}

function podProblem(pod: V1Pod): string {
  const name = pod.metadata?.name ?? "?";
  const phase = pod.status?.phase ?? "Pending";
  const unscheduled = pod.status?.conditions?.find(
    (c) => c.type === "PodScheduled" && c.status === "False",
  );
  if (unscheduled) {
    return `${name} ${phase} (${unscheduled.reason ?? "Unschedulable"}${unscheduled.message ? `: ${unscheduled.message}` : ""})`;
  }
  const waiting = pod.status?.containerStatuses?.find((c) => c.state?.waiting?.reason)?.state
    ?.waiting;
  if (waiting) return `${name} ${phase} (${waiting.reason ?? "Waiting"})`;
  return `${name} ${phase}, not Ready`;
}

function isPodReady(pod: V1Pod): boolean {
  if (pod.metadata?.deletionTimestamp) return false;
  return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

/**
 * What keeps the cluster from being rolled out, for a message: each pod that is not Ready with
 * its phase and why (the scheduler's `PodScheduled=False` reason and message, e.g.
 * `Unschedulable: ... unbound immediate PersistentVolumeClaims` for a StorageClass that does
 * not exist, or a container's waiting reason such as `ImagePullBackOff`), and how many of the
 * `desired` pods do not exist.
 */
export function notReadySummary(pods: readonly V1Pod[], desired: number): string {
  const problems = pods
    .filter((pod) => !isPodReady(pod))
    .sort((a, b) => (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""))
    .map(podProblem);
  const missing = desired - pods.length;
  if (missing > 0) problems.push(`${missing} of ${desired} pod(s) do not exist`);
  return problems.length > 0 ? problems.join("; ") : "the StatefulSet has not rolled out";
}

/**
 * The conditions of a cluster whose current generation has not rolled out within
 * `spec.progressDeadlineSeconds` of `since`: `Progressing=False` and `Degraded=True`, both with
 * reason `ProgressDeadlineExceeded` and a message naming what is not ready. Undefined while the
 * deadline has not passed.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#failed-deployment
 */
export function progressDeadlineConditions(
  cluster: MySQLCluster,
  since: string | undefined,
  pods: readonly V1Pod[],
  desired: number,
  now: Date,
): ConditionInput[] | undefined {
  if (since === undefined || now.getTime() < progressDeadlineAt(cluster, since)) return undefined;
  const generation = cluster.metadata.generation ?? 0;
  const message =
    `Generation ${generation} was not rolled out within ${progressDeadlineSeconds(cluster)} s ` +
    `(since ${since}): ${notReadySummary(pods, desired)}.`;
  return [ConditionType.Progressing, ConditionType.Degraded].map((type) => ({
    type,
    status: type === ConditionType.Progressing ? ("False" as const) : ("True" as const),
    reason: PROGRESS_DEADLINE_EXCEEDED,
    message,
    observedGeneration: generation,
  }));
}
