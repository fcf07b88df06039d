import "server-only";
import type { V1Pod, V1StatefulSet } from "@kubernetes/client-node";
import { ConditionType } from "@/lib/crds/common";
import type { MySQLCluster, MySQLClusterPhase, MySQLClusterStatus } from "@/lib/crds/mysql-cluster";
import { ReplicationConditionType, type MySQLInstanceStatus } from "@/lib/crds/mysql-replication";
import {
  findCondition,
  setConditions,
  withObservedGeneration,
  type ConditionInput,
} from "../runtime/conditions";
import { ownedNames } from "./names";
import { notReadySummary, progressDeadlineConditions, progressingSince } from "./progress-deadline";
import { replicationConditions } from "./replication-conditions";
import { instanceStatuses, primaryAvailable, type ReplicationView } from "./replication-status";
import { desiredReplicas } from "./resources";

/** What the status is computed from: the cluster and what exists of its servers right now. */
export interface StatusInput {
  cluster: MySQLCluster;
  /** The cluster's StatefulSet as the apiserver returned it; undefined when it does not exist. */
  statefulSet: V1StatefulSet | undefined;
  /** The cluster's pods (selected by its labels). */
  pods: readonly V1Pod[];
  /** What this reconcile's probes and actions found; undefined when no server was probed. */
  replication?: ReplicationView;
  /** True when the operator runs without database checks (simulated nodes; see config.ts). */
  databaseChecksDisabled?: boolean;
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
 * True when the cluster's current generation was rolled out before (`status.observedGeneration`
 * equals `metadata.generation`) and the StatefulSet still runs it: its controller has seen its
 * latest spec, it wants `desired` servers and has nothing newer to roll out (`currentRevision`
 * equals `updateRevision`; when those are not reported, every server is updated). A server that
 * is not Ready then is a fault (`Degraded`), not progress: no rollout and no progress deadline.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/stateful-set-v1/#StatefulSetStatus
 */
export function isSettled(
  cluster: MySQLCluster,
  statefulSet: V1StatefulSet,
  desired: number,
): boolean {
  const status = statefulSet.status;
  const generation = cluster.metadata.generation ?? 0;
  if (!status || cluster.status?.observedGeneration !== generation) return false;
  const { currentRevision, updateRevision } = status;
  const updated =
    currentRevision && updateRevision
      ? currentRevision === updateRevision
      : (status.updatedReplicas ?? 0) === desired;
  return (
    statefulSet.spec?.replicas === desired &&
    (status.observedGeneration ?? 0) >= (statefulSet.metadata?.generation ?? 1) &&
    updated
  );
}

/**
 * Derives `status.phase` from the conditions: a summary for lists, never a second source of
 * truth (DESIGN.md). A settled cluster with `Degraded=True` is `Degraded`, Ready or not.
 */
export function phaseFor(conditions: readonly ConditionInput[]): MySQLClusterPhase {
  const reasonOf = (type: string) => conditions.find((c) => c.type === type);
  const ready = reasonOf(ConditionType.Ready);
  const progressing = reasonOf(ConditionType.Progressing);
  if (reasonOf(ConditionType.Paused)?.status === "True") return "Paused";
  if (ready?.reason === REASON.ApplyFailed) return "Failed";
  if (ready?.reason === REASON.Stopped) return "Stopped";
  if (ready?.reason === REASON.Stopping) return "Stopping";
  const degraded = reasonOf(ConditionType.Degraded)?.status === "True";
  if (ready?.status === "True") return degraded ? "Degraded" : "Ready";
  if (progressing?.reason === REASON.Creating) return "Pending";
  if (degraded && progressing?.status !== "True") return "Degraded";
  return "Provisioning";
}

/** Condition reasons this controller writes (UpperCamelCase, as Kubernetes expects). */
export const REASON = {
  Creating: "Creating",
  ServersNotReady: "ServersNotReady",
  AllServersReady: "AllServersReady",
  PrimaryUnavailable: "PrimaryUnavailable",
  DatabaseChecksDisabled: "DatabaseChecksDisabled",
  NotProbed: "NotProbed",
  RollingOut: "RollingOut",
  RolloutComplete: "RolloutComplete",
  Stopping: "Stopping",
  Stopped: "Stopped",
  ApplyFailed: "ApplyFailed",
  ReconcilePaused: "ReconcilePaused",
  ReconcileResumed: "ReconcileResumed",
} as const;

type Condition = (type: string, status: boolean, reason: string, message: string) => ConditionInput;

function readyCondition(
  input: StatusInput,
  primary: string,
  instances: readonly MySQLInstanceStatus[] | undefined,
  condition: Condition,
) {
  const { cluster, pods } = input;
  const desired = desiredReplicas(cluster);
  const readyPods = pods.filter(isPodReady);
  const primaryPodReady = readyPods.some((pod) => pod.metadata?.name === primary);
  const counts = `${readyPods.length}/${desired} servers ready`;
  const notReadyNames = pods
    .filter((pod) => !isPodReady(pod))
    .map((pod) => pod.metadata?.name ?? "?")
    .sort();
  const notReady = notReadyNames.length > 0 ? `; not Ready: ${notReadyNames.join(", ")}` : "";
  if (!primaryPodReady || readyPods.length < desired) {
    const message = `${counts}${primaryPodReady ? "" : `; primary ${primary} not ready`}${notReady}.`;
    return condition(ConditionType.Ready, false, REASON.ServersNotReady, message);
  }
  if (instances) {
    if (!primaryAvailable(instances, primary)) {
      const entry = instances.find((i) => i.name === primary);
      const why = entry?.reachable ? "does not accept writes" : "is unreachable";
      const detail = entry?.lastError ? `: ${entry.lastError}` : "";
      const message = `${counts}, but primary ${primary} ${why}${detail}`;
      return condition(ConditionType.Ready, false, REASON.PrimaryUnavailable, message);
    }
  }
  const unchecked = input.databaseChecksDisabled
    ? " (pods only: database checks are disabled)"
    : "";
  const message = `${counts}; primary ${primary}${unchecked}.`;
  return condition(ConditionType.Ready, true, REASON.AllServersReady, message);
}

function conditionsFor(
  input: StatusInput,
  generation: number,
  primary: string,
  instances: readonly MySQLInstanceStatus[] | undefined,
) {
  const { cluster, statefulSet, pods } = input;
  const desired = desiredReplicas(cluster);
  const condition: Condition = (type, status, reason, message) => ({
    type,
    status: status ? "True" : "False",
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
  const done = rolledOut || isSettled(cluster, statefulSet, desired);
  if (cluster.spec.stopped) {
    const stopped = rolledOut && pods.length === 0;
    const message = stopped
      ? "Stopped: no server runs; volumes and credentials are kept."
      : `Stopping: ${pods.length} server(s) still running.`;
    const reason = stopped ? REASON.Stopped : REASON.Stopping;
    return [
      condition(ConditionType.Ready, false, reason, message),
      condition(ConditionType.Progressing, !stopped, reason, message),
      {
        ...condition(ReplicationConditionType.ReplicationHealthy, false, reason, message),
        status: "Unknown" as const,
      },
      condition(ConditionType.Degraded, false, reason, message),
    ];
  }
  const ready = readyCondition(input, primary, instances, condition);
  const readyPods = pods.filter(isPodReady).length;
  const progressing = condition(
    ConditionType.Progressing,
    !done,
    done ? REASON.RolloutComplete : REASON.RollingOut,
    done
      ? `Generation ${generation} is applied.`
      : `Applying generation ${generation}: ${statefulSet.status?.updatedReplicas ?? 0}/${desired} servers updated, ${readyPods}/${desired} servers ready.`,
  );
  return [ready, progressing];
}

/**
 * Computes the cluster's status from its StatefulSet, pods and, when given, the replication
 * view: `Ready` needs every server Ready and the recorded primary reachable and writable;
 * `ReplicationHealthy` and `Degraded` come from the view (see replication-conditions.ts).
 * `observedGeneration` advances only when the StatefulSet has fully rolled out the current
 * generation (see {@link isRolledOut}). Condition transition times move only on a status change.
 * `status.primary` is the operator's record: kept while stopped, changed only by the view.
 * Without a view, `ReplicationHealthy` and `Degraded` are Unknown (never a stop's leftovers).
 * Once a generation is rolled out, a server that stops being Ready is a fault, not progress
 * (see {@link isSettled}): `Progressing=False`, `Degraded=True` reason `ServersNotReady`.
 * A generation not rolled out within `spec.progressDeadlineSeconds` of `status.progressingSince`
 * turns `Progressing=False` / `Degraded=True`, reason `ProgressDeadlineExceeded`
 * (progress-deadline.ts). Every condition written carries this generation.
 */
export function computeStatus(input: StatusInput): MySQLClusterStatus {
  const { cluster, statefulSet, replication, now } = input;
  const previous = cluster.status ?? {};
  const generation = cluster.metadata.generation ?? 0;
  const primary =
    replication?.primary ?? previous.primary ?? ownedNames(cluster.metadata.name).initialPrimaryPod;
  const instances = replication
    ? instanceStatuses(replication, previous.instances ?? [], now)
    : undefined;
  const computed: ConditionInput[] = conditionsFor(input, generation, primary, instances);
  const status: MySQLClusterStatus = { ...previous };
  if (replication && instances) {
    computed.push(...replicationConditions(replication, instances, generation));
    status.instances = instances;
    const primaryProbe = replication.probes.find((p) => p.name === primary);
    const primaryEntry = instances.find((i) => i.name === primary);
    if (primaryProbe?.reachable && primaryEntry?.gtidExecuted !== undefined) {
      status.primaryGtid = primaryEntry.gtidExecuted;
    }
  } else if (cluster.spec.stopped) {
    delete status.instances;
  } else {
    // Nothing was probed: say so, instead of keeping what an earlier state (a stop) wrote.
    computed.push(...unprobedConditions(input.databaseChecksDisabled === true, generation));
  }
  const desired = desiredReplicas(cluster);
  const rolledOut = statefulSet ? isRolledOut(statefulSet, desired) : false;
  const settled = statefulSet ? isSettled(cluster, statefulSet, desired) : false;
  const pods = input.pods;
  const lost = pods.filter(isPodReady).length < desired;
  if (settled && lost && !cluster.spec.stopped) {
    computed.push(...serversNotReadyDegraded(computed, pods, desired, generation));
  }
  const since = progressingSince(cluster, rolledOut || settled, now);
  const late = progressDeadlineConditions(cluster, since, pods, desired, now);
  if (late) computed.push(...late);
  const conditions = setConditions(previous.conditions, computed, now);
  const paused = findCondition(previous.conditions, ConditionType.Paused);
  const withResume =
    paused?.status === "True"
      ? setConditions(conditions, [resumedCondition(generation)], now)
      : conditions;
  status.phase = phaseFor(withResume);
  status.replicas = statefulSet?.status?.replicas ?? 0;
  status.readyReplicas = statefulSet?.status?.readyReplicas ?? 0;
  // Every kept condition was computed, or confirmed, from this generation.
  status.conditions = withObservedGeneration(withResume, generation);
  if (since === undefined) delete status.progressingSince;
  else status.progressingSince = since;
  if (rolledOut) status.observedGeneration = generation;
  if (statefulSet) status.primary = primary;
  return status;
}

/**
 * `Degraded=True`, reason `ServersNotReady`, for a cluster whose rolled-out generation lost a
 * server (see {@link isSettled}), naming each server that is not Ready and why; nothing when
 * `computed` already says `Degraded=True` (a replication fault, more specific, is kept).
 */
function serversNotReadyDegraded(
  computed: readonly ConditionInput[],
  pods: readonly V1Pod[],
  desired: number,
  generation: number,
): ConditionInput[] {
  const degraded = computed.filter((c) => c.type === ConditionType.Degraded).at(-1);
  if (degraded?.status === "True") return [];
  const message = `Generation ${generation} is rolled out, but servers are not Ready: ${notReadySummary(pods, desired)}.`;
  return [
    {
      type: ConditionType.Degraded,
      status: "True",
      reason: REASON.ServersNotReady,
      message,
      observedGeneration: generation,
    },
  ];
}

/**
 * `ReplicationHealthy` and `Degraded` of a running cluster whose servers were not probed: with
 * database checks disabled (reason `DatabaseChecksDisabled`), or because no pod exists yet
 * (reason `NotProbed`). Both Unknown: nothing says whether replication works.
 */
function unprobedConditions(checksDisabled: boolean, generation: number): ConditionInput[] {
  const [reason, message] = checksDisabled
    ? [
        REASON.DatabaseChecksDisabled,
        "This operator runs with database checks disabled (simulated nodes): no server is probed and replication is not managed.",
      ]
    : [REASON.NotProbed, "No server has been probed yet: no pod of the cluster exists."];
  return [ReplicationConditionType.ReplicationHealthy, ConditionType.Degraded].map((type) => ({
    type,
    status: "Unknown" as const,
    reason,
    message,
    observedGeneration: generation,
  }));
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
