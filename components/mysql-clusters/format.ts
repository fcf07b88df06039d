import type { Condition } from "@/lib/crds/common";
import type { MySQLCluster } from "@/lib/crds/mysql-cluster";

/**
 * Pure display helpers for MySQLClusters, in kubectl's terms.
 */

/**
 * Age of an object like kubectl prints it: `45s`, `12m`, `3h`, `5d`.
 *
 * @param creationTimestamp - RFC 3339 time, e.g. `2025-01-02T03:04:05Z`.
 * @param now - milliseconds since the epoch.
 */
export function formatAge(creationTimestamp: string | undefined, now: number): string {
  if (!creationTimestamp) return "—";
  const created = Date.parse(creationTimestamp);
  if (Number.isNaN(created)) return "—";
  const seconds = Math.max(0, Math.floor((now - created) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

/** The condition of one type, if the operator has written it. */
export function findCondition(cluster: MySQLCluster, type: string): Condition | undefined {
  return cluster.status?.conditions?.find((c) => c.type === type);
}

/** Ready servers of desired, e.g. `2/3`. */
export function replicasText(cluster: MySQLCluster): string {
  return `${cluster.status?.readyReplicas ?? 0}/${cluster.spec.replicas}`;
}

/**
 * Whether the operator has applied the current spec (`status.observedGeneration` equals
 * `metadata.generation`).
 */
export function specApplied(cluster: MySQLCluster): boolean {
  const generation = cluster.metadata.generation;
  return generation === undefined || cluster.status?.observedGeneration === generation;
}

/** A label colour that says whether a condition is good, bad, in progress or unknown. */
export type ConditionColor = "green" | "red" | "orange" | "blue" | "grey";

/**
 * Conditions whose `True` is the bad state ("abnormal-true" in the Kubernetes conventions):
 * `Degraded=False` is healthy. `Progressing=True` is work under way (blue), `False` is at rest.
 */
const ABNORMAL_TRUE = new Set(["Degraded", "Failed", "Stalled"]);
const IN_PROGRESS_TRUE = new Set(["Progressing", "Reconciling"]);
const NOTICE_TRUE = new Set(["Stopped", "Paused"]);

/**
 * The colour of a condition's status by what it means for the type, not by True/False alone.
 *
 * @see https://github.com/kubernetes/community/blob/master/contributors/devel/sig-architecture/api-conventions.md#typical-status-properties
 */
export function conditionColor(type: string, status: Condition["status"]): ConditionColor {
  if (status === "Unknown") return "grey";
  const isTrue = status === "True";
  if (ABNORMAL_TRUE.has(type)) return isTrue ? "red" : "green";
  if (IN_PROGRESS_TRUE.has(type)) return isTrue ? "blue" : "green";
  if (NOTICE_TRUE.has(type)) return isTrue ? "orange" : "green";
  return isTrue ? "green" : "red";
}
