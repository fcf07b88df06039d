import "server-only";
import type { V1StatefulSet } from "@kubernetes/client-node";
import { ConditionType } from "@/lib/crds/common";
import {
  MAX_LAGGING_GROUPS,
  kafkaPools,
  poolNodeIds,
  type ConsumerGroupsStatus,
  type KafkaCluster,
  type KafkaClusterStatus,
} from "@/lib/crds/kafka-cluster";
import type { ClusterHealth, GroupLag } from "@/server/kafka";
import { setConditions, withObservedGeneration, type ConditionInput } from "../runtime/conditions";
import { KAFKA_CLIENT_PORT, kafkaOwnedNames } from "./names";
import type { ListenersState } from "./listeners";
import type { RollDecision } from "./rolling";
import { DATABASE_CHECKS_DISABLED } from "../kafka-common/cluster-waiters";

/**
 * `Progressing` from the rolling restart: True with reason `RollingRestart` while pods run an old
 * configuration (the message names the pod restarted or next, and what it waits for); False
 * with `UpToDate` when every pod runs the current one.
 */
function progressing(rolling: RollDecision, generation: number | undefined): ConditionInput {
  return rolling.action === "none"
    ? {
        type: ConditionType.Progressing,
        status: "False",
        reason: "UpToDate",
        message: "Every pod runs the current configuration.",
        observedGeneration: generation,
      }
    : {
        type: ConditionType.Progressing,
        status: "True",
        reason: "RollingRestart",
        message:
          rolling.action === "restart" ? rolling.message : `${rolling.reason}: ${rolling.message}`,
        observedGeneration: generation,
      };
}

/** `status.consumerGroups`: how many groups, the largest lag, the groups lagging most. */
export function consumerGroupsSummary(groups: readonly GroupLag[]): ConsumerGroupsStatus {
  const lagging = groups
    .filter((group) => group.lag > 0)
    .sort((a, b) => b.lag - a.lag || a.groupId.localeCompare(b.groupId));
  return {
    count: groups.length,
    maxLag: lagging[0]?.lag ?? 0,
    highestLag: lagging.slice(0, MAX_LAGGING_GROUPS).map(({ groupId, lag }) => ({ groupId, lag })),
  };
}

/** The `Degraded` condition from an Admin API probe; none while stopped. */
function degraded(health: ClusterHealth): Omit<ConditionInput, "type" | "observedGeneration"> {
  if (!health.reachable) {
    return { status: "True", reason: "ClusterUnreachable", message: health.error };
  }
  const problems = [
    health.offlinePartitions > 0 ? `${health.offlinePartitions} offline partition(s)` : "",
    health.underReplicatedPartitions > 0
      ? `${health.underReplicatedPartitions} under-replicated partition(s)`
      : "",
  ].filter(Boolean);
  const reason = health.offlinePartitions > 0 ? "OfflinePartitions" : "UnderReplicatedPartitions";
  return problems.length > 0
    ? { status: "True", reason, message: problems.join(", ") }
    : { status: "False", reason: "Healthy", message: `${health.brokers.length} broker(s) online.` };
}

/**
 * The status after the owned objects were applied: cluster ID, node IDs per pool, bootstrap
 * addresses (internal, and external once every broker has one: `listeners`), the cluster CA,
 * `Stopped` from the StatefulSets (`sets`, by pool name), and — when running — the
 * Admin API probe (`health`): brokers, quorum leader, offline and under-replicated partitions,
 * `Degraded`. `Ready` needs every pod ready, a reachable cluster without offline partitions and
 * no external Service waiting for an address (reason `WaitingForExternalAddress`).
 * `observedGeneration` moves when the spec was applied (objects written), as DESIGN.md asks.
 * With `checksDisabled` (the operator runs without service checks, e.g. on KWOK) no probe ran:
 * `Ready` comes from the pods alone and `Degraded` is Unknown with reason `DatabaseChecksDisabled`.
 */
export function clusterStatus(
  cluster: KafkaCluster,
  clusterId: string,
  sets: ReadonlyMap<string, V1StatefulSet | undefined>,
  health: ClusterHealth | undefined,
  now: Date,
  rolling?: RollDecision,
  listeners: Pick<ListenersState, "externalBootstrap" | "waitingFor" | "tls"> = {},
  checksDisabled = false,
): KafkaClusterStatus {
  const { name, namespace, generation } = cluster.metadata;
  const pools = kafkaPools(cluster.spec.kraft).map(({ name: pool, pool: spec }) => ({
    name: pool,
    nodeIds: poolNodeIds(pool, spec.replicas),
    readyReplicas: sets.get(pool)?.status?.readyReplicas ?? 0,
  }));
  const stopped = cluster.spec.stopped;
  const running = pools.reduce(
    (sum, pool) => sum + (sets.get(pool.name)?.status?.replicas ?? 0),
    0,
  );
  const podsReady = kafkaPools(cluster.spec.kraft).every(
    ({ name: pool, pool: spec }) => (sets.get(pool)?.status?.readyReplicas ?? 0) >= spec.replicas,
  );
  const healthy = checksDisabled || (health?.reachable === true && health.offlinePartitions === 0);
  const waiting = listeners.waitingFor
    ? `waiting for external address of ${listeners.waitingFor}`
    : "";
  const allReady = podsReady && healthy && !waiting;
  const readyMessage = [
    waiting,
    pools.map((p) => `${p.name}: ${p.readyReplicas}/${p.nodeIds.length} ready`).join(", "),
    health && !health.reachable ? `Admin API unreachable: ${health.error}` : "",
    health?.reachable && health.offlinePartitions > 0
      ? `${health.offlinePartitions} offline partition(s)`
      : "",
  ]
    .filter(Boolean)
    .join("; ");
  const condition = (
    type: string,
    status: boolean,
    reason: string,
    message: string,
  ): ConditionInput => ({
    type,
    status: status ? "True" : "False",
    reason,
    message,
    observedGeneration: generation,
  });
  const conditions = setConditions(
    cluster.status?.conditions,
    [
      stopped
        ? condition(ConditionType.Ready, false, "Stopped", "The cluster is stopped.")
        : condition(
            ConditionType.Ready,
            allReady,
            allReady
              ? "AllNodesReady"
              : waiting
                ? "WaitingForExternalAddress"
                : podsReady
                  ? "Unhealthy"
                  : "NodesNotReady",
            readyMessage,
          ),
      condition(
        ConditionType.Stopped,
        stopped && running === 0,
        stopped ? (running === 0 ? "Stopped" : "Stopping") : "Running",
        stopped
          ? `${running} node(s) still running; volumes, node IDs and cluster ID are kept.`
          : "The cluster runs.",
      ),
    ],
    now,
  );
  const unchecked: ConditionInput = {
    type: ConditionType.Degraded,
    status: "Unknown",
    reason: DATABASE_CHECKS_DISABLED,
    message:
      "The operator runs without service checks (PILOTHOUSE_OPERATOR_DATABASE_CHECKS=disabled, " +
      "e.g. on KWOK nodes): brokers are not probed through the Admin API.",
    observedGeneration: generation,
  };
  // Every condition is rewritten for the current state, so none outlives the state it described
  // (e.g. a stop's, after a start).
  const stoppedMessage = stopped
    ? running === 0
      ? "The cluster is stopped."
      : `Stopping: ${running} node(s) still running.`
    : "";
  const stoppedReason = running === 0 ? "Stopped" : "Stopping";
  const current: ConditionInput[] = stopped
    ? [
        condition(ConditionType.Degraded, false, stoppedReason, stoppedMessage),
        condition(ConditionType.Progressing, running > 0, stoppedReason, stoppedMessage),
      ]
    : [
        checksDisabled || !health
          ? unchecked
          : { type: ConditionType.Degraded, observedGeneration: generation, ...degraded(health) },
        rolling
          ? progressing(rolling, generation)
          : condition(
              ConditionType.Progressing,
              !podsReady,
              podsReady ? "NodesReady" : "NodesNotReady",
              podsReady
                ? "Every node's pod is ready (configuration rollout not checked: no probe ran)."
                : `Waiting for nodes: ${readyMessage}.`,
            ),
      ];
  const withHealth = withObservedGeneration(setConditions(conditions, current, now), generation);
  const probe =
    health?.reachable && !stopped
      ? {
          brokers: health.brokers.length,
          quorumLeader: health.controller,
          offlinePartitions: health.offlinePartitions,
          underReplicatedPartitions: health.underReplicatedPartitions,
          consumerGroups: consumerGroupsSummary(health.groups),
        }
      : {};
  const phase = stopped
    ? running === 0
      ? "Stopped"
      : "Stopping"
    : allReady
      ? "Ready"
      : podsReady
        ? "Degraded"
        : "Provisioning";
  return {
    ...cluster.status,
    observedGeneration: generation,
    phase,
    clusterId,
    pools,
    bootstrap: {
      internal: `${kafkaOwnedNames(name).bootstrapService}.${namespace ?? ""}.svc:${KAFKA_CLIENT_PORT}`,
      ...(listeners.externalBootstrap ? { external: listeners.externalBootstrap } : {}),
    },
    tls: listeners.tls
      ? { caConfigMap: listeners.tls.caConfigMap, caCertificate: listeners.tls.caCertificate }
      : undefined,
    ...probe,
    conditions: withHealth,
  };
}
