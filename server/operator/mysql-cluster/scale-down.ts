import "server-only";
import type { V1StatefulSet } from "@kubernetes/client-node";
import { ConditionType } from "@/lib/crds/common";
import type { MySQLCluster } from "@/lib/crds/mysql-cluster";
import type { InstanceStatus, ProbeResult } from "@/server/mysql";
import { gtidWeight } from "@/server/mysql/gtid";
import type { ConditionInput } from "../runtime/conditions";
import type { ClusterEvent } from "./status-events";
import { replicatesFrom, replicatingCleanly } from "./topology";

/**
 * A scale-down that would remove the primary's pod. Lowering `spec.replicas` removes the
 * StatefulSet's highest ordinals; when the recorded primary is one of them, the operator first
 * switches over to the most advanced remaining replica (as CloudNativePG and moco do) and keeps
 * the StatefulSet at its current size until that is done, so that no acknowledged write is lost
 * and no failover window opens.
 */

/** Reasons of the `Progressing` condition (and Events) written while a scale-down waits. */
export const SCALE_DOWN_REASON = {
  SwitchingOverBeforeScaleDown: "SwitchingOverBeforeScaleDown",
  ScaleDownBlocked: "ScaleDownBlocked",
  ScaleDownWithoutSwitchover: "ScaleDownWithoutSwitchover",
} as const;

/** The StatefulSet ordinal of `pod` in cluster `cluster` (`<cluster>-N`), or undefined. */
export function podOrdinal(cluster: string, pod: string): number | undefined {
  if (!pod.startsWith(`${cluster}-`)) return undefined;
  const rest = pod.slice(cluster.length + 1);
  return /^\d+$/.test(rest) ? Number(rest) : undefined;
}

/**
 * True when `spec.replicas` leaves out the recorded primary's ordinal (the StatefulSet must be
 * read to know whether its pod still exists; see {@link scaleDownGate}).
 */
export function scaleDownMayRemovePrimary(cluster: MySQLCluster): boolean {
  const primary = cluster.status?.primary;
  if (!primary || cluster.spec.stopped) return false;
  const ordinal = podOrdinal(cluster.metadata.name, primary);
  return ordinal !== undefined && ordinal >= cluster.spec.replicas;
}

/** What a scale-down means for the StatefulSet before anything else of the reconcile runs. */
export type ScaleDownGate =
  /** The StatefulSet keeps `keepReplicas` until `primary` is no longer among the removed pods. */
  | { kind: "hold"; primary: string; keepReplicas: number; scaleTo: number }
  /** Database checks are disabled: the scale-down goes ahead without a switchover. */
  | { kind: "unchecked"; event: ClusterEvent };

/**
 * Decides whether lowering `spec.replicas` must wait for a switchover: when the recorded primary
 * (`status.primary`) has an ordinal >= `spec.replicas`, its pod still exists in the StatefulSet
 * (`statefulSet.spec.replicas` > that ordinal) and the cluster is not being stopped (a stop
 * removes every server anyway), the StatefulSet keeps its current size (`hold`).
 *
 * Without database checks (simulated nodes) no server exists behind the pods and no switchover
 * can be run: the scale-down goes ahead (refusing would block it forever, and there is no data
 * to lose), and `unchecked` carries an Event that says so, returned only while the StatefulSet
 * still has more replicas than asked, i.e. once, on the reconcile that scales it down.
 *
 * @returns undefined when the scale-down (if any) does not touch the primary.
 */
export function scaleDownGate(
  cluster: MySQLCluster,
  statefulSet: V1StatefulSet | undefined,
  databaseChecks: boolean,
): ScaleDownGate | undefined {
  const primary = cluster.status?.primary;
  const scaleTo = cluster.spec.replicas;
  if (!primary || cluster.spec.stopped) return undefined;
  const ordinal = podOrdinal(cluster.metadata.name, primary);
  const current = statefulSet?.spec?.replicas ?? 0;
  if (ordinal === undefined || ordinal < scaleTo || current <= ordinal) return undefined;
  if (!databaseChecks) {
    const message = `Scaling down from ${current} to ${scaleTo} servers removes ${primary}, the recorded primary, without a switchover: database checks are disabled (simulated nodes), so no server can be switched over.`;
    return {
      kind: "unchecked",
      event: { type: "Normal", reason: SCALE_DOWN_REASON.ScaleDownWithoutSwitchover, message },
    };
  }
  return { kind: "hold", primary, keepReplicas: current, scaleTo };
}

/** The cluster as its owned objects are applied while a scale-down is held. */
export function heldReplicas(cluster: MySQLCluster, gate: ScaleDownGate | undefined): MySQLCluster {
  if (gate?.kind !== "hold") return cluster;
  return { ...cluster, spec: { ...cluster.spec, replicas: gate.keepReplicas } };
}

/** The switchover target for a held scale-down, or why there is none. */
export type ScaleDownTarget = { ok: true; target: string } | { ok: false; message: string };

/**
 * Picks the replica to switch over to before a scale-down to `scaleTo` servers: among the
 * servers that stay (ordinal < `scaleTo`), the reachable ones that replicate cleanly from
 * `primary`, the one with the most advanced executed GTID set (lowest ordinal on a tie).
 * Whether it is caught up and free of errant transactions is checked by `switchover()`.
 */
export function chooseScaleDownTarget(
  cluster: string,
  primary: InstanceStatus,
  probes: readonly ProbeResult[],
  scaleTo: number,
): ScaleDownTarget {
  const staying = probes.filter((p) => (podOrdinal(cluster, p.name) ?? scaleTo) < scaleTo);
  const eligible = staying.filter(
    (p): p is InstanceStatus => p.reachable && replicatesFrom(p, primary) && replicatingCleanly(p),
  );
  const ranked = [...eligible].sort((a, b) => {
    const weight = gtidWeight(b.gtidExecuted) - gtidWeight(a.gtidExecuted);
    if (weight !== 0n) return weight > 0n ? 1 : -1;
    return (podOrdinal(cluster, a.name) ?? 0) - (podOrdinal(cluster, b.name) ?? 0);
  });
  const best = ranked[0];
  if (best) return { ok: true, target: best.name };
  const why = staying.map((p) => {
    if (!p.reachable) return `${p.name} is unreachable`;
    if (!replicatesFrom(p, primary)) return `${p.name} does not replicate from ${primary.name}`;
    return `${p.name} does not replicate cleanly`;
  });
  return {
    ok: false,
    message: `no server that stays replicates healthily from ${primary.name}${why.length > 0 ? ` (${why.join("; ")})` : ""}`,
  };
}

/** What the replication step did about a held scale-down (see replication.ts). */
export type ScaleDownOutcome =
  | {
      kind: "switchover";
      from: string;
      target: string;
      scaleTo: number;
      succeeded: boolean;
      /** The switchover's own record (`status.lastSwitchover.message`). */
      message: string;
    }
  | { kind: "blocked"; message: string };

/**
 * The Event recorded before the switchover's own (`SwitchedOver` or `SwitchoverRefused`): a
 * Normal `SwitchingOverBeforeScaleDown` naming the old primary, the target and the new size;
 * undefined on a retry (`previous`, the `Progressing` condition as last written, has that reason).
 */
export function scaleDownSwitchoverEvent(
  outcome: ScaleDownOutcome,
  previous: { reason?: string } | undefined,
): ClusterEvent | undefined {
  if (outcome.kind !== "switchover") return undefined;
  // A retry after a refused attempt (the condition already says so) does not repeat it.
  if (previous?.reason === SCALE_DOWN_REASON.SwitchingOverBeforeScaleDown) return undefined;
  return {
    type: "Normal",
    reason: SCALE_DOWN_REASON.SwitchingOverBeforeScaleDown,
    message: `Switching over from ${outcome.from} to ${outcome.target} before scaling down to ${outcome.scaleTo} servers, which removes ${outcome.from}.`,
  };
}

/**
 * The `Progressing` condition and the Event for a held scale-down: `True`,
 * `SwitchingOverBeforeScaleDown` naming the target while (or right after) the switchover runs;
 * `False`, `ScaleDownBlocked` with the reason when no replica can take over (the StatefulSet
 * keeps its size instead of removing the primary). A Warning Event comes with `ScaleDownBlocked`
 * only when its message is new (`previous` is the condition as last written); the switchover's
 * Events are recorded with the new primary (see {@link scaleDownSwitchoverEvent}).
 */
export function scaleDownCondition(
  gate: Extract<ScaleDownGate, { kind: "hold" }>,
  outcome: ScaleDownOutcome | undefined,
  generation: number,
  previous: { reason?: string; message?: string } | undefined,
): { condition: ConditionInput; event?: ClusterEvent } {
  const { primary, keepReplicas, scaleTo } = gate;
  const scaling = `scaling down from ${keepReplicas} to ${scaleTo} servers removes ${primary}, the primary`;
  if (outcome?.kind === "switchover") {
    const state = outcome.succeeded
      ? `switched over to ${outcome.target}; the StatefulSet scales down next`
      : `switching over to ${outcome.target} first (${outcome.message}); the StatefulSet keeps ${keepReplicas} replicas meanwhile`;
    const condition: ConditionInput = {
      type: ConditionType.Progressing,
      status: "True",
      reason: SCALE_DOWN_REASON.SwitchingOverBeforeScaleDown,
      message: `${upperFirst(scaling)}: ${state}.`,
      observedGeneration: generation,
    };
    return { condition };
  }
  const why =
    outcome?.message ?? `${primary} is not a reachable primary right now (see ReplicationHealthy)`;
  const condition: ConditionInput = {
    type: ConditionType.Progressing,
    status: "False",
    reason: SCALE_DOWN_REASON.ScaleDownBlocked,
    message: `${upperFirst(scaling)}, and no replica can take over: ${why}. The StatefulSet keeps ${keepReplicas} replicas until one can.`,
    observedGeneration: generation,
  };
  if (previous?.reason === condition.reason && previous.message === condition.message) {
    return { condition };
  }
  const event: ClusterEvent = {
    type: "Warning",
    reason: condition.reason,
    message: condition.message,
  };
  return { condition, event };
}

function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
