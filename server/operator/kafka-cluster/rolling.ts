import "server-only";
import type { V1Pod, V1StatefulSet } from "@kubernetes/client-node";

/** One pool as the rolling restart sees it. */
export interface RollingPool {
  name: string;
  /** Whether the pool's nodes vote in the KRaft controller quorum (controllers or combined). */
  controller: boolean;
  /** The StatefulSet's `status.updateRevision`; undefined until the controller computed it. */
  updateRevision: string | undefined;
  /** False while the StatefulSet controller has not observed the latest template. */
  observed: boolean;
  /** Pods the pool should have (its StatefulSet's `spec.replicas`). */
  replicas: number;
  pods: RollingPod[];
}

/** One pod: its revision (`controller-revision-hash` label), readiness and node ID. */
export interface RollingPod {
  name: string;
  nodeId: number;
  revision: string | undefined;
  ready: boolean;
  deleting: boolean;
}

/** What the Admin API said about the cluster, as far as rolling needs it. */
export interface RollingHealth {
  reachable: boolean;
  underReplicatedPartitions: number;
  /** Node ID of the active controller, -1 when unknown. */
  controller: number;
}

/** The next step of a rolling restart. */
export type RollDecision =
  | { action: "none" }
  | { action: "wait"; reason: string; message: string; next: string; pending: string[] }
  | { action: "restart"; pod: string; message: string; pending: string[] };

const stale = (pool: RollingPool, pod: RollingPod) =>
  pool.updateRevision !== undefined && pod.revision !== pool.updateRevision;

/**
 * Decides the next step of a rolling restart after a pool's pod template (its configuration
 * hash) changed, under `updateStrategy: OnDelete`: the operator restarts one pod at a time by
 * deleting it, and only when
 * - every pod of every pool is Ready and none is already being deleted (one at a time),
 * - the Admin API answers and reports no under-replicated partition (the last restarted broker
 *   has caught up; restarting another could take partitions offline),
 * - restarting a controller leaves a majority of the quorum's voters up (a quorum of one or two
 *   voters cannot keep one through any restart: it is restarted, and the message says so).
 * Controller pools go first, the active controller last within them (one election, not several),
 * then brokers; within a pool the highest ordinal first, as StatefulSets roll.
 *
 * @returns `none` when no pod runs an old revision; `wait` with the reason and the next pod;
 *   `restart` with the pod to delete now.
 * @see https://kafka.apache.org/documentation/#basic_ops_restarting
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#on-delete
 */
export function nextRollingStep(
  pools: readonly RollingPool[],
  health: RollingHealth,
): RollDecision {
  const order = (pool: RollingPool) =>
    pool.pods
      .filter((pod) => stale(pool, pod))
      .sort((a, b) => {
        const leader =
          Number(a.nodeId === health.controller) - Number(b.nodeId === health.controller);
        return (pool.controller ? leader : 0) || b.nodeId - a.nodeId;
      });
  const queue = [...pools]
    .sort((a, b) => Number(b.controller) - Number(a.controller))
    .flatMap((pool) => order(pool).map((pod) => ({ pool, pod })));
  const pending = queue.map(({ pod }) => pod.name);
  const first = queue[0];
  if (!first) return { action: "none" };
  const wait = (reason: string, message: string): RollDecision => ({
    action: "wait",
    reason,
    message: `${message}; next: pod ${first.pod.name} (${pending.length} to restart)`,
    next: first.pod.name,
    pending,
  });
  const restart = (note: string): RollDecision => ({
    action: "restart",
    pod: first.pod.name,
    message: `restarting pod ${first.pod.name} for the new configuration (${pending.length} to restart)${note}`,
    pending,
  });
  const unobserved = pools.find((pool) => !pool.observed);
  if (unobserved)
    return wait(
      "StatefulSetNotObserved",
      `StatefulSet of pool ${unobserved.name} not yet observed`,
    );
  const short = pools.find((pool) => pool.pods.length < pool.replicas);
  if (short) {
    const missing = short.replicas - short.pods.length;
    return wait(
      "PodNotReady",
      `waiting for ${missing} pod(s) of pool ${short.name} to be recreated`,
    );
  }
  const busy = pools.flatMap((pool) => pool.pods).find((pod) => pod.deleting || !pod.ready);
  if (busy) {
    return wait("PodNotReady", `waiting for pod ${busy.name} to be Ready`);
  }
  if (!health.reachable) return wait("ClusterUnreachable", "the Admin API does not answer");
  if (health.underReplicatedPartitions > 0) {
    return wait(
      "UnderReplicatedPartitions",
      `waiting for ${health.underReplicatedPartitions} under-replicated partition(s) to catch up`,
    );
  }
  if (first.pool.controller) {
    const quorum = pools.filter((pool) => pool.controller);
    const voters = quorum.reduce((sum, pool) => sum + pool.replicas, 0);
    const majority = Math.floor(voters / 2) + 1;
    const up = quorum
      .flatMap((pool) => pool.pods)
      .filter((pod) => pod.ready && !pod.deleting).length;
    const canKeepMajority = voters - 1 >= majority;
    if (canKeepMajority && up - 1 < majority) {
      return wait(
        "QuorumAtRisk",
        `restarting ${first.pod.name} would leave ${up - 1} of ${voters} controllers, below a majority`,
      );
    }
    if (!canKeepMajority) {
      return restart(`; a quorum of ${voters} controller(s) cannot keep a majority through it`);
    }
  }
  return restart("");
}

/** The label the StatefulSet controller puts on each pod: the revision it was created from. */
export const REVISION_LABEL = "controller-revision-hash";

/** A pool's {@link RollingPool} from its StatefulSet and pods. */
export function rollingPool(
  name: string,
  controller: boolean,
  nodeIdBase: number,
  set: V1StatefulSet | undefined,
  pods: readonly V1Pod[],
): RollingPool {
  const generation = set?.metadata?.generation ?? 0;
  return {
    name,
    controller,
    updateRevision: set?.status?.updateRevision,
    observed: (set?.status?.observedGeneration ?? 0) >= generation,
    replicas: set?.spec?.replicas ?? 0,
    pods: pods.map((pod) => {
      const podName = pod.metadata?.name ?? "";
      return {
        name: podName,
        nodeId: nodeIdBase + Number(podName.slice(podName.lastIndexOf("-") + 1)),
        revision: pod.metadata?.labels?.[REVISION_LABEL],
        ready:
          pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false,
        deleting: pod.metadata?.deletionTimestamp !== undefined,
      };
    }),
  };
}
