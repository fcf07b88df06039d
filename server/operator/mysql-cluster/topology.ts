import "server-only";
import type { MySQLInstanceStatus } from "@/lib/crds/mysql-replication";
import { formatGtidSet, type InstanceStatus, type ProbeResult } from "@/server/mysql";

/**
 * Pure reading of probe results: who replicates from whom, which server is the primary, and what
 * must change for every server to replicate from it. No I/O; the actions live in replication.ts.
 */

/** True when `status` is configured to replicate from the server at `source`'s address. */
export function replicatesFrom(status: ProbeResult, source: ProbeResult): boolean {
  if (!status.reachable || !status.replication || status.name === source.name) return false;
  const { sourceHost, sourcePort } = status.replication;
  return sourceHost === source.address.host && sourcePort === source.address.port;
}

/** Reachable servers configured to replicate from `source`. */
export function followersOf(source: ProbeResult, probes: readonly ProbeResult[]): InstanceStatus[] {
  return probes.filter((p): p is InstanceStatus => p.reachable && replicatesFrom(p, source));
}

/** True when a replica's threads both run (the receiver may be reconnecting) without errors. */
export function replicatingCleanly(status: InstanceStatus): boolean {
  const r = status.replication;
  if (!r) return false;
  return r.sqlThread === "running" && r.ioThread !== "stopped" && !r.lastIoError && !r.lastSqlError;
}

/** Who the primary is, as far as the probes tell. */
export type PrimaryDecision =
  /** A reachable server replicating from nobody; `adopted` when it is not the recorded one. */
  | { kind: "reachable"; primary: InstanceStatus; adopted: boolean }
  /** The recorded primary cannot be reached and no other server has taken its place. */
  | { kind: "unreachable"; primary: string }
  /** The servers disagree with the record in a way the operator does not repair on its own. */
  | { kind: "conflict"; message: string };

/**
 * Decides the primary from the record (`status.primary`) and the probes. The record wins when
 * its server is reachable and replicates from nobody. A different server is adopted only when
 * the servers themselves show an interrupted failover or switchover: the recorded primary
 * replicates from it, or the record is unreachable or has no follower while that server is
 * writable and followed. Anything else that contradicts the record is a conflict (no action).
 */
export function decidePrimary(recorded: string, probes: readonly ProbeResult[]): PrimaryDecision {
  const record = probes.find((p) => p.name === recorded);
  const followed = probes.filter(
    (p): p is InstanceStatus =>
      p.reachable &&
      p.name !== recorded &&
      p.role === "primary" &&
      followersOf(p, probes).length > 0,
  );
  const adoptable = followed.filter((p) => !p.readOnly);
  if (!record || !record.reachable) {
    const [only] = adoptable;
    if (only && adoptable.length === 1) return { kind: "reachable", primary: only, adopted: true };
    return { kind: "unreachable", primary: recorded };
  }
  if (record.role === "replica") {
    const source = probes.find((p) => replicatesFrom(record, p));
    if (source?.reachable && source.role === "primary") {
      return { kind: "reachable", primary: source, adopted: true };
    }
    return {
      kind: "conflict",
      message: `the recorded primary ${recorded} replicates from ${record.replication?.sourceHost}:${record.replication?.sourcePort}, which is not a reachable primary of this cluster`,
    };
  }
  if (followed.length === 0) return { kind: "reachable", primary: record, adopted: false };
  const [only] = adoptable;
  if (followersOf(record, probes).length === 0 && only && followed.length === 1) {
    return { kind: "reachable", primary: only, adopted: true };
  }
  return {
    kind: "conflict",
    message: `${recorded} is the recorded primary, but ${followed.map((p) => p.name).join(", ")} also replicate(s) from nobody and have followers`,
  };
}

/** What {@link convergencePlan} asks for. Names are pod names. */
export interface ConvergencePlan {
  /** Servers to (re)point at the primary. */
  configure: string[];
  /** Configure through `setupReplication` (the primary has no follower yet: bootstrap). */
  bootstrap: boolean;
  /** Replicas that follow the primary but accept writes. */
  fence: string[];
  /** The primary must be opened for writes (read-only, or semi-sync not as wanted). */
  openPrimary: boolean;
}

/**
 * What must change for every reachable server to replicate cleanly from `primary`. A server
 * previously refused for errant transactions is left alone (fenced) until its GTID set changes
 * (it was rebuilt). Replicas whose threads stopped without an error (after a refused failover
 * stopped their receivers) and replicas not acknowledging semi-sync are configured again.
 *
 * With `writesHeld` (a MySQLRestore holds the cluster, RESTORE_IN_PROGRESS_ANNOTATION) the
 * primary is never opened for writes: `openPrimary` is false, and a bootstrap (which opens the
 * primary through setupReplication) waits until the hold ends. Repointing and fencing go on.
 */
export function convergencePlan(
  primary: InstanceStatus,
  probes: readonly ProbeResult[],
  previous: readonly MySQLInstanceStatus[],
  semiSync: boolean,
  writesHeld = false,
): ConvergencePlan {
  const plan: ConvergencePlan = { configure: [], bootstrap: false, fence: [], openPrimary: false };
  const others = probes.filter((p) => p.name !== primary.name);
  for (const server of others) {
    if (!server.reachable) continue;
    const before = previous.find((i) => i.name === server.name);
    const fenced =
      before?.errantTransactions !== undefined &&
      before.gtidExecuted === formatGtidSet(server.gtidExecuted);
    if (fenced) continue;
    if (!replicatesFrom(server, primary)) {
      plan.configure.push(server.name);
      continue;
    }
    const r = server.replication;
    const stoppedQuietly =
      (r?.ioThread === "stopped" || r?.sqlThread === "stopped") &&
      !r.lastIoError &&
      !r.lastSqlError;
    const noAck = semiSync && r?.ioThread === "running" && !server.semiSync.replicaActive;
    if (stoppedQuietly || noAck) plan.configure.push(server.name);
    else if (!server.readOnly) plan.fence.push(server.name);
  }
  const followers = followersOf(primary, probes).length;
  plan.bootstrap = plan.configure.length > 0 && followers === 0;
  if (writesHeld) {
    if (plan.bootstrap) plan.configure = [];
    plan.bootstrap = false;
    return plan;
  }
  const semiSyncWanted = semiSync && followers > 0;
  plan.openPrimary =
    primary.readOnly ||
    (semiSyncWanted && !primary.semiSync.sourceEnabled) ||
    (others.length === 0 && primary.semiSync.sourceEnabled);
  return plan;
}

/** True when the plan changes nothing. */
export function planIsEmpty(plan: ConvergencePlan): boolean {
  return plan.configure.length === 0 && plan.fence.length === 0 && !plan.openPrimary;
}
