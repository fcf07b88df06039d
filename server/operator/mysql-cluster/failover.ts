import "server-only";
import type { MySQLCluster } from "@/lib/crds/mysql-cluster";
import type { FailoverSpec, MySQLInstanceStatus } from "@/lib/crds/mysql-replication";
import { RESTORE_IN_PROGRESS_ANNOTATION } from "@/lib/crds/mysql-restore";
import { parseGtidSet, type FailoverResult, type ProbeResult } from "@/server/mysql";
import { kubeTime } from "../runtime/conditions";
import { REPLICATION_REASON } from "./replication-conditions";
import { refOf, viewOf, type ReplicationStepResult, type StepState } from "./replication-step";
import { followersOf } from "./topology";

/** Whether to fail over now, later, or not at all, while the recorded primary is unreachable. */
export type FailoverDecision =
  | { kind: "wait"; retryInMs: number; message: string }
  | { kind: "failover"; message: string }
  | { kind: "hold"; reason: "FailoverDisabled" | "NoReplicaReachable"; message: string };

export interface FailoverDecisionInput {
  spec: FailoverSpec;
  /** The recorded primary (unreachable). */
  primary: string;
  /** When it was first seen unreachable (from `status.instances`), or now. */
  unreachableSince: Date;
  now: Date;
  probes: readonly ProbeResult[];
}

/**
 * The timing rule of automatic failover: promote only once the primary has been unreachable for
 * `spec.failover.unreachableSeconds` (measured from the first failed probe, kept in status, so it
 * survives an operator restart), only when enabled, and only when some reachable server
 * replicates from the lost primary. When the operator reaches no replica either, the operator
 * itself is probably cut off: it holds instead of acting on a partial view.
 */
export function decideFailover(input: FailoverDecisionInput): FailoverDecision {
  const { spec, primary, unreachableSince, now, probes } = input;
  const elapsedMs = now.getTime() - unreachableSince.getTime();
  const since = `${primary} has been unreachable for ${Math.max(0, Math.round(elapsedMs / 1000))} s`;
  const lost = probes.find((p) => p.name === primary);
  const followers = lost ? followersOf(lost, probes) : [];
  if (followers.length === 0) {
    return {
      kind: "hold",
      reason: "NoReplicaReachable",
      message: `${since} and no reachable server replicates from it; nothing to promote`,
    };
  }
  if (!spec.enabled) {
    return {
      kind: "hold",
      reason: "FailoverDisabled",
      message: `${since}; automatic failover is disabled (spec.failover.enabled=false)`,
    };
  }
  const remainingMs = spec.unreachableSeconds * 1000 - elapsedMs;
  if (remainingMs > 0) {
    return {
      kind: "wait",
      retryInMs: remainingMs,
      message: `${since}; failing over after ${spec.unreachableSeconds} s`,
    };
  }
  return { kind: "failover", message: `${since} (limit ${spec.unreachableSeconds} s)` };
}

/** When `name` was first seen unreachable: kept from the previous status, else `now`. */
export function unreachableSince(
  previous: readonly MySQLInstanceStatus[],
  name: string,
  now: Date,
): Date {
  const since = previous.find((i) => i.name === name && !i.reachable)?.unreachableSince;
  const parsed = since ? new Date(since) : undefined;
  return parsed && !Number.isNaN(parsed.getTime()) && parsed <= now ? parsed : now;
}

/**
 * The MySQLRestore holding the cluster's writes ({@link RESTORE_IN_PROGRESS_ANNOTATION}: one
 * restoring into it, or one that failed after changing data), or undefined. While it is set, a
 * promoted primary stays read-only; the convergence opens it once the annotation is removed.
 */
export function writesHeldBy(cluster: MySQLCluster): string | undefined {
  return cluster.metadata.annotations?.[RESTORE_IN_PROGRESS_ANNOTATION];
}

/** The view fields and Event sentence of a promotion made while writes are held. */
export function heldPromotion(heldBy: string | undefined, promoted: string) {
  if (heldBy === undefined) return { view: {}, note: "" };
  return {
    view: { writesHeldBy: heldBy },
    note: `; ${promoted} stays read-only while MySQLRestore ${heldBy} holds the cluster (${RESTORE_IN_PROGRESS_ANNOTATION})`,
  };
}

/** Condition reasons for a failover that did not happen (UpperCamelCase). */
export function refusalReason(result: Extract<FailoverResult, { ok: false }>): string {
  if (result.refused.some((r) => r.reason === "errant-transactions")) return "ErrantTransactions";
  switch (result.reason) {
    case "primary-reachable":
      return "PrimaryReachable";
    case "catch-up-timeout":
      return "CatchUpTimeout";
    case "would-lose-transactions":
      return "WouldLoseTransactions";
    case "no-eligible-replica":
      return "NoEligibleReplica";
  }
}

/** A refused failover as one sentence: the refusal and every refused instance's reason. */
export function refusalMessage(result: Extract<FailoverResult, { ok: false }>): string {
  const details = result.refused.map((r) => r.message);
  return [`failover refused: ${result.message}`, ...details].join("; ");
}

/**
 * The step for an unreachable recorded primary: wait for the failover delay, hold (disabled, or
 * nothing to promote), or run `failover()` (server/mysql), which drains every replica's relay
 * log and promotes the one holding every transaction, never one with errant transactions.
 * A refusal becomes the ReplicationHealthy reason (e.g. `ErrantTransactions`); success becomes
 * a {@link TopologyChange} with `lastFailover` and a Warning Event. While a MySQLRestore holds
 * the cluster ({@link writesHeldBy}) the new primary is promoted but kept read-only, and the
 * Event says so.
 */
export async function failoverStep(state: StepState): Promise<ReplicationStepResult> {
  const { input, recorded, refs, probes } = state;
  const { cluster, context, mysql, log } = input;
  const now = input.now();
  const d = decideFailover({
    spec: cluster.spec.failover,
    primary: recorded,
    unreachableSince: unreachableSince(state.previous, recorded, now),
    now,
    probes,
  });
  if (d.kind === "wait") {
    const failover = { reason: REPLICATION_REASON.PrimaryUnreachable, message: d.message };
    return { view: viewOf(state, recorded, { failover }), requeueAfterMs: d.retryInMs };
  }
  if (d.kind === "hold") {
    return {
      view: viewOf(state, recorded, { failover: { reason: d.reason, message: d.message } }),
    };
  }
  const lost = probes.find((p) => p.name === recorded);
  const known = cluster.status?.primaryGtid;
  const heldBy = writesHeldBy(cluster);
  log.warn({ primary: recorded, message: d.message, writesHeldBy: heldBy }, "failing over");
  const result = await mysql.failover(context, {
    failedPrimary: refOf(refs, recorded),
    replicas: refs.filter((r) => r.name !== recorded),
    ...(known ? { knownPrimaryGtid: parseGtidSet(context.dialect.gtidFlavor, known) } : {}),
    ...(heldBy === undefined ? {} : { keepReadOnly: true }),
  });
  if (!result.ok) {
    const failover = { reason: refusalReason(result), message: refusalMessage(result) };
    log.warn(failover, "failover refused");
    return { view: viewOf(state, recorded, { failover }), failoverRefused: true };
  }
  const at = kubeTime(input.now());
  const reason = `${d.message}${lost && !lost.reachable ? `: ${lost.error}` : ""}`;
  const after = { ...state, probes: await mysql.probeAll(context, refs) };
  const lostWrites = result.missingFromKnownPrimary
    ? `; transactions ${result.missingFromKnownPrimary} of the old primary are on no surviving server`
    : "";
  const held = heldPromotion(heldBy, result.primary);
  const refusals = result.replicas.filter((r) => !r.ok);
  return {
    view: viewOf(after, result.primary, { refusals, ...held.view }),
    change: {
      kind: "failover",
      from: recorded,
      to: result.primary,
      statusPatch: {
        primary: result.primary,
        lastFailover: { from: recorded, to: result.primary, at, reason },
      },
      event: {
        type: "Warning",
        reason: "FailedOver",
        message: `Promoted ${result.primary} in ${result.durationSeconds.toFixed(2)} s: ${reason}${lostWrites}${held.note}`,
      },
    },
  };
}
