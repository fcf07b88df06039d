/**
 * What the generic views read of any Pilothouse object, parsed loosely: every kind has
 * `metadata`, `spec` and a `status` with `phase`, `observedGeneration` and `conditions`
 * (DESIGN.md, "One lifecycle contract"). The kind's own fields are read with the helpers below,
 * each returning `undefined` when absent, so an object of a newer operator still shows.
 */
import { z } from "zod";
import { kindByPlural, type KindInfo, type KindPlural } from "@/lib/api/kinds";
import { ConditionSchema, ObjectMetaSchema, type Condition } from "@/lib/crds/common";

export const ResourceSchema = z.looseObject({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: ObjectMetaSchema,
  spec: z.record(z.string(), z.unknown()).default({}),
  status: z
    .looseObject({
      phase: z.string().optional(),
      observedGeneration: z.int().optional(),
      conditions: z.array(ConditionSchema).optional(),
    })
    .optional(),
});
/** One object of any kind. */
export type Resource = z.infer<typeof ResourceSchema>;

/** `GET /api/v1/{plural}`: items and the list's resourceVersion to watch from. */
export const ResourceListResponseSchema = z.object({
  items: z.array(ResourceSchema),
  resourceVersion: z.string(),
});
export type ResourceListResponse = z.infer<typeof ResourceListResponseSchema>;

/** How a kind is named on screen. */
export interface KindTitle {
  /** Plural, e.g. "MySQL clusters". */
  plural: string;
  /** One object, e.g. "MySQL cluster". */
  one: string;
}

const TITLES: Record<string, KindTitle> = {
  mysqlclusters: { plural: "MySQL clusters", one: "MySQL cluster" },
  mysqlbackups: { plural: "MySQL backups", one: "MySQL backup" },
  mysqlrestores: { plural: "MySQL restores", one: "MySQL restore" },
  kafkaclusters: { plural: "Kafka clusters", one: "Kafka cluster" },
  kafkatopics: { plural: "Kafka topics", one: "Kafka topic" },
  kafkausers: { plural: "Kafka users", one: "Kafka user" },
};

/** The screen names of a kind (falls back to the Kubernetes kind). */
export function kindTitle(kind: Pick<KindInfo, "plural" | "kind">): KindTitle {
  return TITLES[kind.plural] ?? { plural: `${kind.kind}s`, one: kind.kind };
}

/** The kind of a plural that is known to be one (checked by the page). */
export function kindOf(plural: KindPlural): KindInfo {
  const kind = kindByPlural(plural);
  if (!kind) throw new Error(`no kind ${plural}`);
  return kind;
}

/** The page of one object. */
export function detailHref(plural: string, namespace: string, name: string): string {
  return `/${plural}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}

/** The condition of one type, if the operator has written it. */
export function findCondition(object: Resource, type: string): Condition | undefined {
  return object.status?.conditions?.find((c) => c.type === type);
}

/** `status.phase`, or `Pending` before the operator wrote any status. */
export function phaseOf(object: Resource): string {
  return object.status?.phase ?? "Pending";
}

/**
 * Whether the operator has applied the current spec (`status.observedGeneration` equals
 * `metadata.generation`). Kinds whose status has no observedGeneration (backup runs) count as
 * applied.
 */
export function specApplied(object: Resource): boolean {
  const generation = object.metadata.generation;
  const observed = object.status?.observedGeneration;
  if (generation === undefined) return true;
  if (observed === undefined) return object.status?.conditions === undefined;
  return observed === generation;
}

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === "number" ? value : undefined);
const record = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

/** Reads `object` along `path` (e.g. `["status", "lastSuccessfulBackup", "name"]`). */
export function at(object: unknown, path: readonly string[]): unknown {
  let current: unknown = object;
  for (const key of path) current = record(current)[key];
  return current;
}

/**
 * The cluster an object belongs to: itself for a cluster, `spec.clusterName` for backups, topics
 * and users, `spec.target.clusterName` (or the new cluster's name) for a restore.
 */
export function clusterNameOf(object: Resource): string | undefined {
  return (
    str(object.spec.clusterName) ??
    str(at(object.spec, ["target", "clusterName"])) ??
    str(at(object.spec, ["target", "newCluster", "name"]))
  );
}

/** Whether `spec.stopped` is true: the user asked for the cluster to be stopped. */
export const isStopped = (object: Resource): boolean => object.spec.stopped === true;

/**
 * Where a cluster is between running and stopped: `running` unless `spec.stopped` is true;
 * then `stopped` once the operator says so (`Stopped=True`, or phase `Stopped` from an operator
 * that writes no `Stopped` condition), else `stopping` (e.g. `Stopped=False`, reason
 * `WaitingForBackup`: the servers keep running until a backup has finished).
 */
export function stopStateOf(object: Resource): "running" | "stopping" | "stopped" {
  if (!isStopped(object)) return "running";
  const condition = findCondition(object, "Stopped");
  if (condition) return condition.status === "True" ? "stopped" : "stopping";
  return object.status?.phase === "Stopped" ? "stopped" : "stopping";
}

/** Whether the reconcile annotation pauses the operator for this object. */
export function isPaused(object: Resource): boolean {
  return object.metadata.annotations?.["pilothouse.dev/reconcile"] === "paused";
}

/** Ready servers or brokers of desired, e.g. `2/3`, for clusters; `undefined` otherwise. */
export function replicasText(object: Resource): string | undefined {
  const desired = num(object.spec.replicas);
  if (object.kind === "MySQLCluster" && desired !== undefined) {
    return `${num(object.status?.readyReplicas) ?? 0}/${desired}`;
  }
  if (object.kind === "KafkaCluster") {
    const brokers = num(object.status?.brokers);
    return brokers === undefined ? undefined : `${brokers} brokers`;
  }
  return undefined;
}

/** A backup run a MySQLCluster's status names: `status.<field>` with name and completedAt. */
function backupRecord(
  object: Resource,
  field: "lastSuccessfulBackup" | "lastFailedBackup",
): { name: string; completedAt: string } | undefined {
  const name = str(at(object.status, [field, "name"]));
  const completedAt = str(at(object.status, [field, "completedAt"]));
  return name && completedAt ? { name, completedAt } : undefined;
}

/** The last successful backup a MySQLCluster's status names (absent on older operators). */
export function lastBackupOf(object: Resource): { name: string; completedAt: string } | undefined {
  return backupRecord(object, "lastSuccessfulBackup");
}

/** The last failed backup a MySQLCluster's status names (`status.lastFailedBackup`). */
export function lastFailedBackupOf(
  object: Resource,
): { name: string; completedAt: string } | undefined {
  return backupRecord(object, "lastFailedBackup");
}

/** A label colour that says whether a condition is good, bad, in progress or unknown. */
export type ConditionColor = "green" | "red" | "orange" | "blue" | "grey";

/** Conditions whose `True` is the bad state ("abnormal-true"). */
const ABNORMAL_TRUE = new Set(["Degraded", "Failed", "Stalled"]);
const IN_PROGRESS_TRUE = new Set(["Progressing", "Reconciling", "Deleting"]);
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

/** Age of an object, e.g. `45s`, `12m`, `5h`, `3d`; `—` without a creation time. */
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
