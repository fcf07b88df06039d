import "server-only";
import type { MySQLCluster } from "@/lib/crds/mysql-cluster";
import { SWITCHOVER_ANNOTATION, type LastSwitchover } from "@/lib/crds/mysql-replication";
import type { SwitchoverResult } from "@/server/mysql";
import { kubeTime } from "../runtime/conditions";
import { heldPromotion, writesHeldBy } from "./failover";
import {
  refOf,
  viewOf,
  type ReplicationStepResult,
  type StepState,
  type TopologyChange,
} from "./replication-step";
import type { ClusterEvent } from "./status-events";

/** The pod a switchover was requested to (the annotation's value), if any. */
export function switchoverRequest(cluster: MySQLCluster): string | undefined {
  return cluster.metadata.annotations?.[SWITCHOVER_ANNOTATION];
}

/** What to do with a switchover request. */
export type SwitchoverPlan =
  | { kind: "run"; target: string }
  /** Answered without touching a server: already the primary, or not a server of the cluster. */
  | { kind: "answer"; target: string; outcome: "Succeeded" | "Refused"; message: string };

/**
 * Checks a request against the cluster before anything is touched: the target must be one of
 * the cluster's servers (by pod name) and not already the primary. Everything else (reachable,
 * replicating, no errant transactions, caught up) is checked by `switchover()` itself.
 */
export function planSwitchover(
  target: string,
  primary: string,
  servers: readonly string[],
): SwitchoverPlan {
  if (target === primary) {
    return { kind: "answer", target, outcome: "Succeeded", message: `${target} is the primary` };
  }
  if (!servers.includes(target)) {
    const known = [...servers].sort().join(", ");
    return {
      kind: "answer",
      target,
      outcome: "Refused",
      message: `${target || "(empty)"} is not a server of this cluster (servers: ${known})`,
    };
  }
  return { kind: "run", target };
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
 */
export async function switchoverStep(
  state: StepState,
  primary: string,
  target: string,
  change: TopologyChange | undefined,
): Promise<ReplicationStepResult> {
  const { input, refs } = state;
  const heldBy = writesHeldBy(input.cluster);
  const heldView = heldBy === undefined ? {} : { writesHeldBy: heldBy };
  const plan = planSwitchover(
    target,
    primary,
    refs.map((r) => r.name),
  );
  if (plan.kind === "answer") {
    const at = kubeTime(input.now());
    const record = { from: primary, to: target, at, outcome: plan.outcome, message: plan.message };
    const event: ClusterEvent =
      plan.outcome === "Succeeded"
        ? { type: "Normal", reason: "SwitchoverNotNeeded", message: plan.message }
        : { type: "Warning", reason: "SwitchoverRefused", message: plan.message };
    const view = viewOf(state, primary, heldView);
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
