import "server-only";
import { performance } from "node:perf_hooks";
import { chooseFailoverCandidate, type RefusedInstance } from "./candidate";
import type { InstanceRef, ReplicationContext } from "./context";
import { describeError, ReplicationWaitTimeoutError } from "./errors";
import { formatGtidSet, type GtidSet } from "./gtid";
import { probe, readStatus, waitForGtid, type ProbeResult } from "./instance";
import { withInstance } from "./session";
import { configureReplicas, type ReplicaOutcome } from "./replica";
import { detachFromSource, openForWrites } from "./topology";

export interface FailoverRequest {
  /** The primary that was lost. */
  failedPrimary: InstanceRef;
  /** Every other instance of the cluster. */
  replicas: readonly InstanceRef[];
  /** The primary's executed set when last seen (from the cluster's status), if recorded: it
   *  helps tell a replica's errant transactions from a former primary's own. */
  knownPrimaryGtid?: GtidSet;
  /** Seconds each replica may take to apply the relay log it already received (default 30). */
  catchUpTimeoutSeconds?: number;
  /**
   * True while the cluster's writes are held (a MySQLRestore is, or may have been, writing into
   * it): the candidate is promoted but stays read-only, and is not opened for writes.
   */
  keepReadOnly?: boolean;
}

export type FailoverResult =
  | {
      ok: true;
      primary: string;
      /** The other replicas, now replicating from the new primary. */
      replicas: ReplicaOutcome[];
      /** Instances that were not candidates, and why. */
      refused: RefusedInstance[];
      /** Transactions of `knownPrimaryGtid` on no surviving server ("" when none). */
      missingFromKnownPrimary: string;
      /** From the start of this call to the new primary accepting writes, in seconds. */
      durationSeconds: number;
    }
  | {
      ok: false;
      reason:
        | "primary-reachable"
        | "catch-up-timeout"
        | "no-eligible-replica"
        | "would-lose-transactions";
      message: string;
      refused: RefusedInstance[];
    };

/**
 * Stops a replica's receiver thread (so that a returning old primary cannot send it anything
 * more), waits until the applier has executed everything received, and reports its state.
 */
async function drainRelayLog(
  context: ReplicationContext,
  replica: InstanceRef,
  timeoutSeconds: number,
): Promise<ProbeResult> {
  try {
    return await withInstance(context, replica, async (session) => {
      await session.run(context.dialect.stopReplicaIoThread());
      const before = await readStatus(session);
      const received = before.replication?.receivedGtid;
      if (received) await waitForGtid(session, received, timeoutSeconds);
      return readStatus(session);
    });
  } catch (error) {
    if (error instanceof ReplicationWaitTimeoutError) throw error;
    return probe(context, replica);
  }
}

/**
 * Unplanned primary change after the primary was lost. Refuses when the failed primary still
 * answers (use switchover). Otherwise every reachable replica stops receiving and applies its
 * relay log; {@link chooseFailoverCandidate} picks the replica holding every transaction the
 * others hold and refuses replicas with errant transactions (saying why); the candidate stops
 * replicating, the other replicas are pointed at it, and it is opened for writes (semi-sync on
 * when another replica follows it; unless `keepReadOnly`, then it stays read-only). With semi-sync AFTER_SYNC on the old primary, every write a
 * client saw committed is on the new primary.
 *
 * When refused, replicas keep their receiver threads stopped (applying continues), so a retry
 * starts from the same state. The failed primary is not touched: when it returns, {@link
 * repoint} it to the new primary; it rejoins, or stays fenced if it has errant transactions.
 *
 * @throws InstanceUnreachableError / StatementError when the candidate fails half-way.
 * @see https://dev.mysql.com/doc/refman/8.4/en/replication-solutions-switch.html
 * @see https://mariadb.com/kb/en/gtid/#using-current_pos-vs-slave_pos
 */
export async function failover(
  context: ReplicationContext,
  request: FailoverRequest,
): Promise<FailoverResult> {
  const started = performance.now();
  const { failedPrimary, replicas } = request;
  const timeout = request.catchUpTimeoutSeconds ?? 30;
  const old = await probe(context, failedPrimary);
  if (old.reachable) {
    return {
      ok: false,
      reason: "primary-reachable",
      message: `${failedPrimary.name} still answers; switch over instead`,
      refused: [],
    };
  }
  let statuses: ProbeResult[];
  try {
    statuses = await Promise.all(replicas.map((r) => drainRelayLog(context, r, timeout)));
  } catch (error) {
    return { ok: false, reason: "catch-up-timeout", message: describeError(error), refused: [] };
  }
  const choice = chooseFailoverCandidate(statuses, {
    failedPrimary: failedPrimary.name,
    ...(request.knownPrimaryGtid ? { knownPrimaryGtid: request.knownPrimaryGtid } : {}),
  });
  if (!choice.ok) {
    context.logger.warn({ reason: choice.reason, message: choice.message }, "failover refused");
    return { ok: false, reason: choice.reason, message: choice.message, refused: choice.refused };
  }
  const candidate = choice.candidate;
  const candidateRef = { name: candidate.name, address: candidate.address };
  context.logger.info(
    { candidate: candidate.name, gtid: formatGtidSet(candidate.gtidExecuted) },
    "failing over",
  );
  await detachFromSource(context, candidateRef);
  const others = replicas.filter((r) => r.name !== candidate.name);
  const outcomes = await configureReplicas(context, others, candidateRef);
  if (!request.keepReadOnly) {
    await openForWrites(
      context,
      candidateRef,
      outcomes.some((o) => o.ok),
    );
  }
  const durationSeconds = (performance.now() - started) / 1000;
  context.logger.info({ primary: candidate.name, durationSeconds }, "failover done");
  return {
    ok: true,
    primary: candidate.name,
    replicas: outcomes,
    refused: choice.refused,
    missingFromKnownPrimary: choice.missingFromKnownPrimary,
    durationSeconds,
  };
}
