import "server-only";
import type { V1Pod } from "@kubernetes/client-node";
import type { MySQLCluster } from "@/lib/crds/mysql-cluster";
import { SWITCHOVER_ANNOTATION, type LastSwitchover } from "@/lib/crds/mysql-replication";
import type { SwitchoverResult } from "@/server/mysql";
import { kubeTime } from "../runtime/conditions";
import { heldPromotion, writesHeldBy } from "./failover";
import { ownedNames } from "./names";
import {
  refOf,
  viewOf,
  type ReplicationStepResult,
  type StepState,
  type TopologyChange,
} from "./replication-step";
import type { ClusterEvent } from "./status-events";

function isPodReady(pod: V1Pod): boolean {
  if (pod.metadata?.deletionTimestamp) return false;
  return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

/** The pod a switchover was requested to (the annotation's value), if any. */
export function switchoverRequest(cluster: MySQLCluster): string | undefined {
  return cluster.metadata.annotations?.[SWITCHOVER_ANNOTATION];
}

/** What to do with a switchover request. */
export type SwitchoverPlan =
  | { kind: "run"; target: string }
  /** Answered without touching a server: already the primary, or not a server of the cluster. */
  | { kind: "answer"; target: string; outcome: "Succeeded" | "Refused"; message: string };

/** What {@link planSwitchover} knows of the cluster's pods besides the servers' names. */
export interface SwitchoverPods {
  /** Servers whose pods exist but are not Ready (a requested target must be Ready). */
  notReady?: readonly string[];
  /** Every pod name the cluster's spec asks for (a target among them whose pod is missing). */
  expected?: readonly string[];
}

/**
 * Checks a request against the cluster before anything is touched: the target must be one of
 * the cluster's servers (by pod name; a pod of the spec that does not exist is named so), its
 * pod must be Ready, and it must not already be the primary. Everything else (reachable,
 * replicating, no errant transactions, caught up) is checked by `switchover()` itself.
 */
export function planSwitchover(
  target: string,
  primary: string,
  servers: readonly string[],
  pods: SwitchoverPods = {},
): SwitchoverPlan {
  if (target === primary) {
    return { kind: "answer", target, outcome: "Succeeded", message: `${target} is the primary` };
  }
  const refuse = (message: string): SwitchoverPlan => ({
    kind: "answer",
    target,
    outcome: "Refused",
    message,
  });
  if (!servers.includes(target)) {
    if (pods.expected?.includes(target)) {
      return refuse(`switchover to ${target} refused: its pod does not exist`);
    }
    const known = [...servers].sort().join(", ");
    return refuse(`${target || "(empty)"} is not a server of this cluster (servers: ${known})`);
  }
  if (pods.notReady?.includes(target)) {
    return refuse(`switchover to ${target} refused: its pod is not Ready`);
  }
  return { kind: "run", target };
}

/** The answer to a switchover request refused with `message`: the record and its Event. */
export function refusedSwitchover(
  from: string,
  target: string,
  message: string,
  at: string,
): NonNullable<ReplicationStepResult["switchoverAnswered"]> {
  return {
    target,
    record: { from, to: target, at, outcome: "Refused", message },
    event: { type: "Warning", reason: "SwitchoverRefused", message },
  };
}

/**
 * The answer to a switchover request the operator cannot even try, when no database work runs
 * in this reconcile: database checks are disabled (simulated nodes), the cluster is stopped,
 * or no pod of it exists. The request is refused (recorded in `status.lastSwitchover` with a
 * `SwitchoverRefused` Warning, the annotation removed by recordTopology) instead of being left
 * hanging. Undefined when no switchover is requested.
 */
export function unrunnableSwitchover(
  cluster: MySQLCluster,
  pods: readonly V1Pod[],
  databaseChecks: boolean,
  now: Date,
): ReplicationStepResult | undefined {
  const target = switchoverRequest(cluster);
  if (target === undefined) return undefined;
  const primary = cluster.status?.primary ?? ownedNames(cluster.metadata.name).initialPrimaryPod;
  const why = !databaseChecks
    ? "this operator runs with database checks disabled (PILOTHOUSE_OPERATOR_DATABASE_CHECKS=disabled, simulated nodes) and cannot switch over"
    : cluster.spec.stopped
      ? "the cluster is stopped (spec.stopped is true)"
      : "no server of the cluster is running (no pod exists)";
  const answer = refusedSwitchover(
    primary,
    target,
    `switchover to ${target || "(empty)"} refused: ${why}`,
    kubeTime(now),
  );
  return { view: { primary, probes: [], pods, refusals: [] }, switchoverAnswered: answer };
}

/** `status.lastSwitchover` for the outcome of `switchover()`. */
export function switchoverRecord(
  from: string,
  target: string,
  result: SwitchoverResult,
  at: string,
): LastSwitchover {
  if (result.ok) {
    const failed = result.replicas.filter((r) => !r.ok).map((r) => `${r.name}: ${r.message}`);
    return {
      from,
      to: target,
      at,
      outcome: "Succeeded",
      message:
        `${target} is the primary; writes were unavailable for ` +
        `${result.writeUnavailableSeconds.toFixed(2)} s` +
        (failed.length > 0 ? `; not repointed: ${failed.join("; ")}` : ""),
    };
  }
  return {
    from,
    to: target,
    at,
    outcome: "Refused",
    message: `switchover to ${target} refused (${result.reason}): ${result.message}`,
  };
}

/**
 * The step for a switchover request while `primary` is reachable: answer it at once when there
 * is nothing to do or the target is unknown, otherwise run `switchover()` (server/mysql: the
 * old primary is fenced, the target catches up on every transaction, then is promoted, so no
 * acknowledged write is lost). Either way the request counts as handled: the caller removes
 * the annotation. `change` (an adoption found by the same reconcile) is passed through. While a
 * MySQLRestore holds the cluster ({@link writesHeldBy}) the target is promoted but kept
 * read-only (and a refused switchover leaves the old primary read-only); the record says so.
 * A `requested` switchover (the annotation) is also refused when the target's pod is missing
 * or not Ready (see {@link planSwitchover}).
 */
export async function switchoverStep(
  state: StepState,
  primary: string,
  target: string,
  change: TopologyChange | undefined,
  requested = false,
): Promise<ReplicationStepResult> {
  const { input, refs } = state;
  const heldBy = writesHeldBy(input.cluster);
  const heldView = heldBy === undefined ? {} : { writesHeldBy: heldBy };
  const { name: clusterName } = input.cluster.metadata;
  const checks: SwitchoverPods = requested
    ? {
        notReady: input.pods.filter((pod) => !isPodReady(pod)).map((p) => p.metadata?.name ?? ""),
        expected: Array.from(
          { length: input.cluster.spec.replicas },
          (_, ordinal) => `${clusterName}-${ordinal}`,
        ),
      }
    : {};
  const plan = planSwitchover(
    target,
    primary,
    refs.map((r) => r.name),
    checks,
  );
  if (plan.kind === "answer") {
    const at = kubeTime(input.now());
    const view = viewOf(state, primary, heldView);
    if (plan.outcome === "Refused") {
      const answer = refusedSwitchover(primary, target, plan.message, at);
      return { view, change, switchoverAnswered: answer };
    }
    const record = { from: primary, to: target, at, outcome: plan.outcome, message: plan.message };
    const event: ClusterEvent = {
      type: "Normal",
      reason: "SwitchoverNotNeeded",
      message: plan.message,
    };
    return { view, change, switchoverAnswered: { target, record, event } };
  }
  input.log.info({ from: primary, to: target, writesHeldBy: heldBy }, "switching over");
  const result = await input.mysql.switchover(input.context, {
    primary: refOf(refs, primary),
    candidate: refOf(refs, target),
    replicas: refs.filter((r) => r.name !== primary && r.name !== target),
    ...(heldBy === undefined ? {} : { keepReadOnly: true }),
  });
  const held = heldPromotion(heldBy, target);
  const answered = switchoverRecord(primary, target, result, kubeTime(input.now()));
  const record = result.ok ? { ...answered, message: `${answered.message}${held.note}` } : answered;
  if (!result.ok) {
    input.log.warn({ from: primary, to: target, reason: result.reason }, record.message);
    const event: ClusterEvent = {
      type: "Warning",
      reason: "SwitchoverRefused",
      message: record.message,
    };
    const view = viewOf(state, primary, heldView);
    return { view, change, switchoverAnswered: { target, record, event } };
  }
  const after = { ...state, probes: await input.mysql.probeAll(input.context, refs) };
  return {
    view: viewOf(after, target, { refusals: result.replicas.filter((r) => !r.ok), ...held.view }),
    change: {
      kind: "switchover",
      from: primary,
      to: target,
      statusPatch: { primary: target, lastSwitchover: record },
      event: { type: "Normal", reason: "SwitchedOver", message: record.message },
    },
  };
}
