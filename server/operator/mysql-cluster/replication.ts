import "server-only";
import { RESTORE_IN_PROGRESS_ANNOTATION } from "@/lib/crds/mysql-restore";
import {
  describeError,
  instanceFromPod,
  type InstanceStatus,
  type ReplicaOutcome,
} from "@/server/mysql";
import { failoverStep } from "./failover";
import { ownedNames } from "./names";
import {
  refOf,
  serverPods,
  viewOf,
  type ReplicationStepInput,
  type ReplicationStepResult,
  type StepState,
  type TopologyChange,
} from "./replication-step";
import { chooseScaleDownTarget, podOrdinal, type ScaleDownOutcome } from "./scale-down";
import { switchoverRequest, switchoverStep } from "./switchover";
import {
  convergencePlan,
  decidePrimary,
  followersOf,
  planIsEmpty,
  type ConvergencePlan,
} from "./topology";

/**
 * One reconcile's database work: probe every server, decide the primary (see decidePrimary),
 * then exactly one of: fail over (or wait, or hold) when the primary is unreachable, handle a
 * switchover request, or converge every server to replicate from the primary (bootstrap,
 * repoint, fence, open for writes). While a MySQLRestore holds the cluster
 * (RESTORE_IN_PROGRESS_ANNOTATION) the primary is not opened for writes, and the view names the
 * restore. The caller records the result: a new primary first, then pod labels, then the full
 * status.
 *
 * @throws InstanceUnreachableError / StatementError when a server fails in the middle of an
 *   action (the reconcile is retried with backoff and starts again from fresh probes).
 */
export async function reconcileReplication(
  input: ReplicationStepInput,
): Promise<ReplicationStepResult> {
  const { cluster, context, mysql, log } = input;
  const recorded = cluster.status?.primary ?? ownedNames(cluster.metadata.name).initialPrimaryPod;
  const refs = serverPods(cluster, input.pods, recorded).map((pod) =>
    instanceFromPod(pod, input.resolveAddress),
  );
  const state: StepState = {
    input,
    recorded,
    previous: cluster.status?.instances ?? [],
    refs,
    probes: await mysql.probeAll(context, refs),
  };
  const decision = decidePrimary(recorded, state.probes);
  if (decision.kind === "conflict") {
    log.warn({ message: decision.message }, "topology conflict; not acting");
    return { view: viewOf(state, recorded, { conflict: decision.message }) };
  }
  if (decision.kind === "unreachable") return failoverStep(state);
  const primary = decision.primary;
  const change: TopologyChange | undefined = decision.adopted
    ? {
        kind: "adopt",
        from: recorded,
        to: primary.name,
        statusPatch: { primary: primary.name },
        event: {
          type: "Warning",
          reason: "PrimaryAdopted",
          message: `${primary.name} replicates from nobody and the others follow it: recorded as the primary instead of ${recorded} (an interrupted failover or switchover)`,
        },
      }
    : undefined;
  const target = switchoverRequest(cluster);
  if (target !== undefined) return switchoverStep(state, primary.name, target, change, true);
  const scaleDown = await scaleDownSwitchover(state, primary, change);
  if (scaleDown?.kind === "switchover") return scaleDown.result;
  const blocked = scaleDown ? { scaleDown: scaleDown.outcome } : {};
  const writesHeldBy = cluster.metadata.annotations?.[RESTORE_IN_PROGRESS_ANNOTATION];
  const held = writesHeldBy === undefined ? {} : { writesHeldBy };
  const plan = convergencePlan(
    primary,
    state.probes,
    state.previous,
    context.semiSync.enabled,
    writesHeldBy !== undefined,
  );
  if (planIsEmpty(plan)) return { view: viewOf(state, primary.name, held), change, ...blocked };
  log.info({ primary: primary.name, ...plan, ...held }, "converging replication");
  const followers = followersOf(primary, state.probes).length;
  const refusals = await converge(input, refs, primary.name, plan, followers);
  const after = { ...state, probes: await mysql.probeAll(context, refs) };
  return { view: viewOf(after, primary.name, { refusals, ...held }), change, ...blocked };
}

/**
 * While a scale-down that removes `primary` is held (`input.scaleDownTo`): switch over to the
 * most advanced server that stays (see chooseScaleDownTarget), or say why none can take over
 * (`blocked`; the caller converges as usual). Undefined when no such scale-down is held.
 */
async function scaleDownSwitchover(
  state: StepState,
  primary: InstanceStatus,
  change: TopologyChange | undefined,
): Promise<
  | { kind: "switchover"; result: ReplicationStepResult }
  | { kind: "blocked"; outcome: ScaleDownOutcome }
  | undefined
> {
  const { cluster, log, scaleDownTo } = state.input;
  const clusterName = cluster.metadata.name;
  if (scaleDownTo === undefined) return undefined;
  if ((podOrdinal(clusterName, primary.name) ?? -1) < scaleDownTo) return undefined;
  const choice = chooseScaleDownTarget(clusterName, primary, state.probes, scaleDownTo);
  if (!choice.ok) {
    log.warn({ primary: primary.name, scaleDownTo, why: choice.message }, "scale-down held");
    return { kind: "blocked", outcome: { kind: "blocked", message: choice.message } };
  }
  log.info(
    { from: primary.name, to: choice.target, scaleDownTo },
    "switching over before scaling down",
  );
  const result = await switchoverStep(state, primary.name, choice.target, change);
  const succeeded = result.change?.kind === "switchover";
  const message = succeeded
    ? (result.change?.event.message ?? "")
    : (result.switchoverAnswered?.record.message ?? "");
  const outcome: ScaleDownOutcome = {
    kind: "switchover",
    from: primary.name,
    target: choice.target,
    scaleTo: scaleDownTo,
    succeeded,
    message,
  };
  return { kind: "switchover", result: { ...result, scaleDown: outcome } };
}

/** Carries out a {@link ConvergencePlan}; failures of single servers become outcomes. */
async function converge(
  input: ReplicationStepInput,
  refs: StepState["refs"],
  primaryName: string,
  plan: ConvergencePlan,
  followers: number,
): Promise<ReplicaOutcome[]> {
  const { context, mysql } = input;
  const primary = refOf(refs, primaryName);
  const configure = plan.configure.map((name) => refOf(refs, name));
  let outcomes: ReplicaOutcome[] = [];
  if (plan.bootstrap) {
    outcomes = await mysql.setupReplication(context, primary, configure);
  } else if (configure.length > 0) {
    outcomes = await mysql.repointAll(context, configure, primary);
  }
  for (const name of plan.fence) {
    await mysql.fence(context, refOf(refs, name)).catch((error: unknown) => {
      outcomes.push({ name, ok: false, reason: "error", message: describeError(error) });
    });
  }
  if (plan.openPrimary && !plan.bootstrap) {
    await mysql.openForWrites(context, primary, followers > 0 || outcomes.some((o) => o.ok));
  }
  return outcomes.filter((o) => !o.ok);
}
