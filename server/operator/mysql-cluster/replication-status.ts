import "server-only";
import type { V1Pod } from "@kubernetes/client-node";
import type { MySQLInstanceStatus } from "@/lib/crds/mysql-replication";
import {
  formatGtidSet,
  type InstanceStatus,
  type ProbeResult,
  type ReplicaOutcome,
} from "@/server/mysql";
import { replicatesFrom, replicatingCleanly } from "./topology";

/** What one reconcile learnt about replication: the input of the replication status. */
export interface ReplicationView {
  /** The recorded primary after this reconcile's actions. */
  primary: string;
  /** The final probe of every server (after any action). */
  probes: readonly ProbeResult[];
  pods: readonly V1Pod[];
  /** Outcomes of servers (re)configured in this reconcile that did not succeed. */
  refusals: readonly ReplicaOutcome[];
  /** Why the primary was not replaced although unreachable, when that is the case. */
  failover?: { reason: string; message: string };
  /** The servers contradict the record (see decidePrimary). */
  conflict?: string;
  /**
   * The MySQLRestore that holds the cluster (RESTORE_IN_PROGRESS_ANNOTATION): the operator
   * keeps the primary read-only while it does.
   */
  writesHeldBy?: string;
}

function isPodReady(pod: V1Pod | undefined): boolean {
  if (!pod || pod.metadata?.deletionTimestamp) return false;
  return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

function roleOf(probe: ProbeResult, primary: ProbeResult | undefined): MySQLInstanceStatus["role"] {
  if (!probe.reachable || !primary?.reachable) return "unknown";
  if (probe.name === primary.name) return probe.role === "primary" ? "primary" : "unknown";
  return replicatesFrom(probe, primary) && replicatingCleanly(probe) ? "replica" : "unknown";
}

function replicationError(probe: InstanceStatus): string | undefined {
  return probe.replication?.lastSqlError ?? probe.replication?.lastIoError;
}

/**
 * `status.instances`: one entry per probed server, in pod-name order. `unreachableSince` and
 * a fenced server's `errantTransactions` carry over from `previous` while they still hold.
 */
export function instanceStatuses(
  view: ReplicationView,
  previous: readonly MySQLInstanceStatus[],
  now: Date,
): MySQLInstanceStatus[] {
  const primary = view.probes.find((p) => p.name === view.primary);
  const entries = view.probes.map((probe): MySQLInstanceStatus => {
    const before = previous.find((i) => i.name === probe.name);
    const pod = view.pods.find((p) => p.metadata?.name === probe.name);
    const base = { name: probe.name, role: roleOf(probe, primary), ready: isPodReady(pod) };
    if (!probe.reachable) {
      // Milliseconds kept: the failover delay is measured from here.
      const since = !before || before.reachable ? now.toISOString() : before.unreachableSince;
      return {
        ...base,
        reachable: false,
        ...(before?.errantTransactions ? { errantTransactions: before.errantTransactions } : {}),
        lastError: probe.error.slice(0, 2048),
        ...(since ? { unreachableSince: since } : {}),
      };
    }
    const gtidExecuted = formatGtidSet(probe.gtidExecuted);
    const refusal = view.refusals.find((r) => r.name === probe.name);
    const errant =
      refusal && !refusal.ok && refusal.errantGtids
        ? refusal.errantGtids
        : before?.gtidExecuted === gtidExecuted
          ? before.errantTransactions
          : undefined;
    const lag = probe.replication?.secondsBehindSource;
    const error = (refusal && !refusal.ok ? refusal.message : undefined) ?? replicationError(probe);
    return {
      ...base,
      reachable: true,
      readOnly: probe.readOnly,
      ...(lag !== undefined && lag !== null ? { replicationLagSeconds: lag } : {}),
      gtidExecuted,
      ...(errant ? { errantTransactions: errant } : {}),
      ...(error ? { lastError: error.slice(0, 2048) } : {}),
    };
  });
  return entries.sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }));
}

/** True when the recorded primary answers and accepts writes. */
export function primaryAvailable(instances: readonly MySQLInstanceStatus[], primary: string) {
  const entry = instances.find((i) => i.name === primary);
  return entry?.role === "primary" && entry.readOnly === false;
}
