/**
 * The one-word health of a cluster for the overview and the cluster lists, with the hint that
 * makes it true: a cluster is only "Healthy" when its current spec is applied, every server is
 * Ready and nothing says otherwise; and the last switchover a MySQLCluster's status records.
 * Pure, so the rules are unit-tested.
 */
import { LastSwitchoverSchema, type LastSwitchover } from "@/lib/crds/mysql-replication";
import { failureOf, specPending } from "./blockers";
import { at, findCondition, isPaused, stopStateOf, type Resource } from "./model";

/** What the health label says. */
export type Health =
  | "Healthy"
  | "Degraded"
  | "Failed"
  | "Progressing"
  | "NotReady"
  | "Attention"
  | "Paused"
  | "Stopping"
  | "Stopped"
  | "Unknown";

/** A {@link Health} with the words that qualify it (shown next to the label). */
export interface HealthVerdict {
  health: Health;
  /** Why, e.g. "ServersNotReady" or "replication not verified"; absent for a plain Healthy. */
  hint?: string;
}

const reasonText = (c: { reason: string; message: string } | undefined): string | undefined =>
  c ? [c.reason, c.message].filter(Boolean).join(": ") || undefined : undefined;

const num = (value: unknown): number | undefined => (typeof value === "number" ? value : undefined);

/** "generation 3 not yet applied (observed 2)". */
function pendingText(object: Resource): string {
  const observed = object.status?.observedGeneration;
  return `generation ${object.metadata.generation ?? "?"} not yet applied (observed ${observed ?? "none"})`;
}

/** "2/3 servers ready" when a MySQLCluster has fewer Ready servers than it asks for. */
function missingReplicas(object: Resource): string | undefined {
  if (object.kind !== "MySQLCluster") return undefined;
  const desired = num(object.spec.replicas);
  if (desired === undefined) return undefined;
  const ready = num(object.status?.readyReplicas) ?? 0;
  return ready < desired ? `${ready}/${desired} servers ready` : undefined;
}

/**
 * The health of a cluster, in this order:
 * 1. `Paused` (annotation `pilothouse.dev/reconcile: paused` or `Paused=True`): the status is
 *    frozen, so nothing else it says is current; the hint is the Paused reason (and the spec not
 *    applied, if so).
 * 2. `Stopped` (`spec.stopped: true` and the operator says it is: see {@link stopStateOf}), or
 *    `Stopping` until then, with the `Stopped` condition's reason (e.g. `WaitingForBackup`).
 * 3. `Failed` / `Degraded`: `Degraded=True`, or a failure by {@link failureOf}
 *    (`Progressing=False`, `Failed=True`, phase Failed); `ReplicationHealthy=False` is Degraded.
 * 4. `Unknown` without a Ready verdict; `Progressing` while Ready=False and `Progressing=True`,
 *    else `NotReady`.
 * 5. Ready=True but the spec not applied (`metadata.generation` > `status.observedGeneration`):
 *    `Progressing`; fewer Ready servers than `spec.replicas`: `NotReady`.
 * 6. `Attention` ("Needs attention") when `BackupHealthy=False`: it serves, but its backups fail.
 * 7. `Healthy`, with the hint "replication not verified" when a MySQLCluster's
 *    `ReplicationHealthy` is Unknown, or "brokers not verified" when a KafkaCluster's `Degraded`
 *    is Unknown (the operator's database checks are disabled, reason `DatabaseChecksDisabled`:
 *    its brokers were not probed through the Admin API).
 */
export function healthOf(object: Resource): HealthVerdict {
  const paused = findCondition(object, "Paused");
  if (isPaused(object) || paused?.status === "True") {
    const why = paused?.status === "True" ? reasonText(paused) : "reconcile paused by annotation";
    const hint = [why ?? "reconcile paused", specPending(object) ? pendingText(object) : undefined]
      .filter(Boolean)
      .join("; ");
    return { health: "Paused", hint };
  }
  const stop = stopStateOf(object);
  if (stop === "stopped") return { health: "Stopped" };
  if (stop === "stopping") {
    const hint = reasonText(findCondition(object, "Stopped")) ?? "waiting for the operator";
    return { health: "Stopping", hint };
  }
  const degraded = findCondition(object, "Degraded");
  if (degraded?.status === "True") return { health: "Degraded", hint: reasonText(degraded) };
  const failure = failureOf(object);
  if (failure) return { health: "Failed", hint: failure };
  const replication = findCondition(object, "ReplicationHealthy");
  if (replication?.status === "False") {
    return { health: "Degraded", hint: reasonText(replication) };
  }
  const ready = findCondition(object, "Ready");
  const progressing = findCondition(object, "Progressing");
  if (!ready || ready.status === "Unknown") {
    return progressing?.status === "True"
      ? { health: "Progressing", hint: reasonText(progressing) }
      : { health: "Unknown" };
  }
  if (ready.status === "False") {
    return progressing?.status === "True"
      ? { health: "Progressing", hint: reasonText(progressing) ?? reasonText(ready) }
      : { health: "NotReady", hint: reasonText(ready) };
  }
  if (specPending(object)) return { health: "Progressing", hint: pendingText(object) };
  const missing = missingReplicas(object);
  if (missing) return { health: "NotReady", hint: missing };
  // Serving, but its backups fail: not a plain Healthy when its data may not be recoverable.
  const backups = findCondition(object, "BackupHealthy");
  if (backups?.status === "False") {
    return {
      health: "Attention",
      hint: `backups failing: ${reasonText(backups) ?? "BackupHealthy=False"}`,
    };
  }
  if (replication?.status === "Unknown") {
    return { health: "Healthy", hint: "replication not verified" };
  }
  if (object.kind === "KafkaCluster" && degraded?.status === "Unknown") {
    return { health: "Healthy", hint: "brokers not verified" };
  }
  return { health: "Healthy" };
}

/**
 * A MySQLCluster's last switchover request as the operator recorded it (`status.lastSwitchover`:
 * requested primary `to`, `outcome` Succeeded / Refused / Failed, `message` with the reason,
 * `at` an RFC 3339 time), so that a refused or completed switchover is visible on the cluster;
 * `undefined` for other kinds, when none was requested, or when the record is malformed.
 */
export function lastSwitchoverOf(object: Resource): LastSwitchover | undefined {
  if (object.kind !== "MySQLCluster") return undefined;
  const parsed = LastSwitchoverSchema.safeParse(at(object.status, ["lastSwitchover"]));
  return parsed.success ? parsed.data : undefined;
}

/** The label status of a switchover's outcome (PatternFly): a refusal is a warning. */
export const SWITCHOVER_OUTCOME_STATUS: Record<
  LastSwitchover["outcome"],
  "success" | "warning" | "danger"
> = { Succeeded: "success", Refused: "warning", Failed: "danger" };

/** The label colour of each health (PatternFly Label colours). */
export const HEALTH_COLOR: Record<Health, "green" | "red" | "orange" | "blue" | "grey"> = {
  Healthy: "green",
  Degraded: "red",
  Failed: "red",
  Progressing: "blue",
  NotReady: "orange",
  Attention: "orange",
  Paused: "grey",
  Stopping: "blue",
  Stopped: "grey",
  Unknown: "grey",
};

/** The words of each health. */
export const HEALTH_TEXT: Record<Health, string> = {
  Healthy: "Healthy",
  Degraded: "Degraded",
  Failed: "Failed",
  Progressing: "Progressing",
  NotReady: "Not ready",
  Attention: "Needs attention",
  Paused: "Paused",
  Stopping: "Stopping",
  Stopped: "Stopped",
  Unknown: "Unknown",
};
