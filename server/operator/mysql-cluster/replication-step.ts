import "server-only";
import type { V1Pod } from "@kubernetes/client-node";
import type { Logger } from "pino";
import type { MySQLCluster } from "@/lib/crds/mysql-cluster";
import type { LastSwitchover, MySQLInstanceStatus } from "@/lib/crds/mysql-replication";
import type { InstanceRef, ProbeResult, ReplicationContext } from "@/server/mysql";
import type { PodAddressResolver } from "./addresses";
import type { MySQLActions } from "./mysql-actions";
import { selectorLabels } from "./names";
import type { ReplicationView } from "./replication-status";
import type { ScaleDownOutcome } from "./scale-down";
import type { ClusterEvent } from "./status-events";

/** Shapes shared by the steps of one reconcile's database work (replication.ts). */

export interface ReplicationStepInput {
  cluster: MySQLCluster;
  /** The cluster's pods (any state). */
  pods: readonly V1Pod[];
  context: ReplicationContext;
  resolveAddress: PodAddressResolver;
  mysql: MySQLActions;
  now: () => Date;
  log: Logger;
  /**
   * Set while a scale-down to this many servers is held because it would remove the primary
   * (scale-down.ts): the step switches over to a server that stays, instead of converging.
   */
  scaleDownTo?: number;
}

/** What the steps share once every server has been probed. */
export interface StepState {
  input: ReplicationStepInput;
  /** `status.primary`, or ordinal 0 for a new cluster. */
  recorded: string;
  /** `status.instances` as last written. */
  previous: readonly MySQLInstanceStatus[];
  refs: readonly InstanceRef[];
  probes: readonly ProbeResult[];
}

/** A new primary, to be recorded in status before anything else happens. */
export interface TopologyChange {
  kind: "failover" | "switchover" | "adopt";
  from: string;
  to: string;
  /** Merge patch of `status`: `primary`, and `lastFailover` or `lastSwitchover`. */
  statusPatch: Record<string, unknown>;
  event: ClusterEvent;
}

export interface ReplicationStepResult {
  view: ReplicationView;
  change?: TopologyChange;
  /** A switchover request answered without a new primary (refused, or nothing to do). */
  switchoverAnswered?: { target: string; record: LastSwitchover; event: ClusterEvent };
  /** Reconcile again this soon (ms), e.g. when the failover delay runs out. */
  requeueAfterMs?: number;
  /** A failover was attempted and refused. */
  failoverRefused?: boolean;
  /** What was done about a held scale-down (see `scaleDownTo`). */
  scaleDown?: ScaleDownOutcome;
}

/** The view of a step's outcome with `primary` recorded. */
export function viewOf(
  state: StepState,
  primary: string,
  extra: Partial<ReplicationView> = {},
): ReplicationView {
  return { primary, probes: state.probes, pods: state.input.pods, refusals: [], ...extra };
}

/** The instance named `name`. @throws Error when there is none. */
export function refOf(refs: readonly InstanceRef[], name: string): InstanceRef {
  const ref = refs.find((r) => r.name === name);
  if (!ref) throw new Error(`no server named ${name}`);
  return ref;
}

/**
 * The servers of the cluster as pods: every pod that is not being deleted, plus the recorded
 * primary when its pod is gone (it must still be judged unreachable, not forgotten).
 */
export function serverPods(
  cluster: MySQLCluster,
  pods: readonly V1Pod[],
  primary: string,
): V1Pod[] {
  const live = pods.filter((p) => p.metadata?.name && !p.metadata.deletionTimestamp);
  if (live.some((p) => p.metadata?.name === primary)) return live;
  const { name, namespace } = cluster.metadata;
  const missing: V1Pod = { metadata: { name: primary, namespace, labels: selectorLabels(name) } };
  return [...live, missing];
}
