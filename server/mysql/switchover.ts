import "server-only";
import { performance } from "node:perf_hooks";
import type { InstanceRef, ReplicationContext } from "./context";
import { describeError, ReplicationWaitTimeoutError } from "./errors";
import { errantTransactions, formatGtidSet, isEmptyGtidSet } from "./gtid";
import { executedGtid, probeAll, readStatus, waitForGtid, type InstanceStatus } from "./instance";
import { withInstance } from "./session";
import { configureReplicas, type ReplicaOutcome } from "./replica";
import { detachFromSource, openForWrites } from "./topology";

export interface SwitchoverRequest {
  /** The current primary; it becomes a replica of `candidate`. */
  primary: InstanceRef;
  /** The replica to promote. */
  candidate: InstanceRef;
  /** The other replicas; they are repointed to `candidate`. */
  replicas: readonly InstanceRef[];
  /** Seconds the candidate may take to execute the primary's last transactions (default 60). */
  catchUpTimeoutSeconds?: number;
  /**
   * True while the cluster's writes are held (a MySQLRestore is, or may have been, writing into
   * it): the candidate is promoted but stays read-only, and a refused switchover leaves the old
   * primary read-only instead of giving it its writes back.
   */
  keepReadOnly?: boolean;
}

/** Why a switchover did not happen. Until `catch-up-timeout`, nothing was changed. */
export type SwitchoverRefusal =
  | "unreachable"
  | "not-a-replica"
  | "replication-stopped"
  | "errant-transactions"
  | "catch-up-timeout";

export type SwitchoverResult =
  | {
      ok: true;
      /** The new primary's name. */
      primary: string;
      /** The old primary and the other replicas, now replicating from the new primary. */
      replicas: ReplicaOutcome[];
      /** From fencing the old primary to the new primary accepting writes, in seconds. */
      writeUnavailableSeconds: number;
    }
  | { ok: false; reason: SwitchoverRefusal; message: string; errantGtids?: string };

function sameAddress(status: InstanceStatus, primary: InstanceRef): boolean {
  const source = status.replication;
  return source?.sourceHost === primary.address.host && source.sourcePort === primary.address.port;
}

/**
 * Planned primary change with no lost writes: refuses up front when either server is
 * unreachable, the candidate does not replicate from the primary, its replication is stopped,
 * or it has errant transactions. Then: the old primary is made read-only, the candidate waits
 * until it has executed the old primary's whole GTID set (on timeout the old primary is made
 * writable again and the switchover is refused), the candidate stops replicating, the old
 * primary and the other replicas are pointed at it, and it is opened for writes (unless
 * `keepReadOnly`: then every server stays read-only).
 *
 * @throws InstanceUnreachableError / StatementError when a server fails half-way (the cluster
 *   is then left with a read-only old primary: retry, or fail over).
 * @see https://dev.mysql.com/doc/refman/8.4/en/replication-solutions-switch.html
 * @see https://mariadb.com/kb/en/changing-a-replica-to-become-the-primary/
 */
export async function switchover(
  context: ReplicationContext,
  request: SwitchoverRequest,
): Promise<SwitchoverResult> {
  const { primary, candidate, replicas } = request;
  const timeout = request.catchUpTimeoutSeconds ?? 60;
  const [old, next] = await probeAll(context, [primary, candidate]);
  for (const probe of [old, next]) {
    if (probe && !probe.reachable) {
      return {
        ok: false,
        reason: "unreachable",
        message: `${probe.name} is unreachable: ${probe.error}`,
      };
    }
  }
  if (!old?.reachable || !next?.reachable) throw new Error("probeAll returned fewer results");
  if (!sameAddress(next, primary)) {
    return {
      ok: false,
      reason: "not-a-replica",
      message: `${candidate.name} does not replicate from ${primary.name}`,
    };
  }
  if (next.replication?.ioThread !== "running" || next.replication.sqlThread !== "running") {
    const error =
      next.replication?.lastSqlError ?? next.replication?.lastIoError ?? "threads stopped";
    return {
      ok: false,
      reason: "replication-stopped",
      message: `${candidate.name} is not replicating: ${error}`,
    };
  }
  // The primary's set is read again, after the candidate's: the two probes ran at the same
  // time, and a write replicated between them would make the candidate look ahead of the
  // primary (a false errant transaction) while the primary takes writes.
  const primaryGtid = await executedGtid(context, primary);
  const errant = errantTransactions(next.gtidExecuted, primaryGtid);
  if (!isEmptyGtidSet(errant)) {
    const errantGtids = formatGtidSet(errant);
    return {
      ok: false,
      reason: "errant-transactions",
      message: `${candidate.name} has errant transactions ${errantGtids} that ${primary.name} has not`,
      errantGtids,
    };
  }

  const started = performance.now();
  const { dialect, logger } = context;
  const finalGtid = await withInstance(context, primary, async (session) => {
    await session.run(...dialect.setReadOnly(true));
    return (await readStatus(session)).gtidExecuted;
  });
  logger.info({ primary: primary.name, gtid: formatGtidSet(finalGtid) }, "old primary fenced");
  try {
    await withInstance(context, candidate, (session) => waitForGtid(session, finalGtid, timeout));
  } catch (error) {
    // Nothing has moved yet: give the old primary its writes back (unless writes are held).
    if (!request.keepReadOnly) {
      await withInstance(context, primary, (session) => session.run(...dialect.setReadOnly(false)));
    }
    if (!(error instanceof ReplicationWaitTimeoutError)) throw error;
    return { ok: false, reason: "catch-up-timeout", message: describeError(error) };
  }
  await detachFromSource(context, candidate);
  const outcomes = await configureReplicas(context, [primary, ...replicas], candidate);
  if (!request.keepReadOnly) {
    await openForWrites(
      context,
      candidate,
      outcomes.some((o) => o.ok),
    );
  }
  const writeUnavailableSeconds = (performance.now() - started) / 1000;
  logger.info({ primary: candidate.name, writeUnavailableSeconds }, "switchover done");
  return { ok: true, primary: candidate.name, replicas: outcomes, writeUnavailableSeconds };
}
