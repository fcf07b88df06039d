import "server-only";
import type { V1Pod, V1StatefulSet } from "@kubernetes/client-node";
import { ConditionType } from "@/lib/crds/common";
import type { MySQLCluster, MySQLClusterPhase, MySQLClusterStatus } from "@/lib/crds/mysql-cluster";
import { findCondition, setConditions, type ConditionInput } from "../runtime/conditions";
import { ownedNames } from "./names";
import { desiredReplicas } from "./resources";

/** What the status is computed from: the cluster and what exists of its servers right now. */
export interface StatusInput {
  cluster: MySQLCluster;
  /** The cluster's StatefulSet as the apiserver returned it; undefined when it does not exist. */
  statefulSet: V1StatefulSet | undefined;
  /** The cluster's pods (selected by its labels). */
  pods: readonly V1Pod[];
  now: Date;
}

function isPodReady(pod: V1Pod): boolean {
  if (pod.metadata?.deletionTimestamp) return false;
  return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

/**
 * True when the StatefulSet has fully applied what this generation asks for: its controller has
 * seen its latest spec, and exactly `desired` pods exist, all updated to the latest revision and
 * all Ready. Only then is a generation "observed" (DESIGN.md, lifecycle contract).
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/stateful-set-v1/#StatefulSetStatus
 */
export function isRolledOut(statefulSet: V1StatefulSet, desired: number): boolean {
  const status = statefulSet.status;
  if (!status) return false;
  return (
    statefulSet.spec?.replicas === desired &&
    (status.observedGeneration ?? 0) >= (statefulSet.metadata?.generation ?? 1) &&
    status.replicas === desired &&
    (status.readyReplicas ?? 0) === desired &&
    (status.updatedReplicas ?? 0) === desired
  );
}

/**
 * Derives `status.phase` from the conditions: a summary for lists, never a second source of
 * truth (DESIGN.md).
 */
export function phaseFor(conditions: readonly ConditionInput[]): MySQLClusterPhase {
  const reasonOf = (type: string) => conditions.find((c) => c.type === type);
  const ready = reasonOf(ConditionType.Ready);
  const progressing = reasonOf(ConditionType.Progressing);
  if (reasonOf(ConditionType.Paused)?.status === "True") return "Paused";
  if (ready?.reason === REASON.ApplyFailed) return "Failed";
  if (ready?.reason === REASON.Stopped) return "Stopped";
  if (ready?.reason === REASON.Stopping) return "Stopping";
  if (ready?.status === "True") return "Ready";
  if (progressing?.reason === REASON.Creating) return "Pending";
  return "Provisioning";
}

/** Condition reasons this controller writes (UpperCamelCase, as Kubernetes expects). */
export const REASON = {
  Creating: "Creating",
  ServersNotReady: "ServersNotReady",
  AllServersReady: "AllServersReady",
  RollingOut: "RollingOut",
  RolloutComplete: "RolloutComplete",
  Stopping: "Stopping",
  Stopped: "Stopped",
  ApplyFailed: "ApplyFailed",
  ReconcilePaused: "ReconcilePaused",
  ReconcileResumed: "ReconcileResumed",
} as const;

function conditionsFor(input: StatusInput, generation: number): ConditionInput[] {
  const { cluster, statefulSet, pods } = input;
  const desired = desiredReplicas(cluster);
  const condition = (type: string, status: boolean, reason: string, message: string) => ({
    type,
    status: status ? ("True" as const) : ("False" as const),
    reason,
    message,
    observedGeneration: generation,
  });
  if (!statefulSet) {
    return [
      condition(ConditionType.Ready, false, REASON.Creating, "The StatefulSet does not exist yet."),
      condition(ConditionType.Progressing, true, REASON.Creating, "Creating the servers."),
    ];
  }
  const rolledOut = isRolledOut(statefulSet, desired);
  const readyPods = pods.filter(isPodReady);
  if (cluster.spec.stopped) {
    const stopped = rolledOut && pods.length === 0;
    const message = stopped
      ? "Stopped: no server runs; volumes and credentials are kept."
      : `Stopping: ${pods.length} server(s) still running.`;
    const reason = stopped ? REASON.Stopped : REASON.Stopping;
    return [
      condition(ConditionType.Ready, false, reason, message),
      condition(ConditionType.Progressing, !stopped, reason, message),
    ];
  }
  const primary = ownedNames(cluster.metadata.name).primaryPod;
  const primaryReady = readyPods.some((pod) => pod.metadata?.name === primary);
  const ready = primaryReady && readyPods.length >= desired;
  const waitingFor = pods
    .filter((pod) => !isPodReady(pod))
    .map((pod) => pod.metadata?.name ?? "?")
    .sort();
  const counts = `${readyPods.length}/${desired} servers ready`;
  const readyMessage = ready
    ? `${counts}; primary ${primary}.`
    : `${counts}${primaryReady ? "" : `; primary ${primary} not ready`}` +
      (waitingFor.length > 0 ? `; waiting for ${waitingFor.join(", ")}.` : ".");
  return [
    condition(
      ConditionType.Ready,
      ready,
      ready ? REASON.AllServersReady : REASON.ServersNotReady,
      readyMessage,
    ),
    condition(
      ConditionType.Progressing,
      !rolledOut,
      rolledOut ? REASON.RolloutComplete : REASON.RollingOut,
      rolledOut
        ? `Generation ${generation} is applied.`
        : `Applying generation ${generation}: ${statefulSet.status?.updatedReplicas ?? 0}/${desired} servers updated, ${counts}.`,
    ),
  ];
}

/**
 * Computes the cluster's status from its StatefulSet and pods. `observedGeneration` advances only
 * when the StatefulSet has fully rolled out the current generation (see {@link isRolledOut});
 * until then it keeps its previous value. Condition transition times move only on a status change.
 */
export function computeStatus(input: StatusInput): MySQLClusterStatus {
  const { cluster, statefulSet, now } = input;
  const previous = cluster.status ?? {};
  const generation = cluster.metadata.generation ?? 0;
  const computed = conditionsFor(input, generation);
  const conditions = setConditions(previous.conditions, computed, now);
  const paused = findCondition(previous.conditions, ConditionType.Paused);
  const withResume =
    paused?.status === "True"
      ? setConditions(conditions, [resumedCondition(generation)], now)
      : conditions;
  const rolledOut = statefulSet ? isRolledOut(statefulSet, desiredReplicas(cluster)) : false;
  const status: MySQLClusterStatus = {
    ...previous,
    phase: phaseFor(withResume),
    replicas: statefulSet?.status?.replicas ?? 0,
    readyReplicas: statefulSet?.status?.readyReplicas ?? 0,
    conditions: withResume,
  };
  if (rolledOut) status.observedGeneration = generation;
  if (!cluster.spec.stopped && statefulSet)
    status.primary = ownedNames(cluster.metadata.name).primaryPod;
  else delete status.primary;
  return status;
}

function resumedCondition(generation: number): ConditionInput {
  return {
    type: ConditionType.Paused,
    status: "False",
    reason: REASON.ReconcileResumed,
    message: "Reconciliation resumed.",
    observedGeneration: generation,
  };
}
