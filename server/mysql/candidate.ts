import "server-only";
import {
  formatGtidSet,
  gtidContains,
  gtidSubtract,
  gtidWeight,
  isEmptyGtidSet,
  originatedBy,
  type GtidSet,
} from "./gtid";
import type { InstanceStatus, ProbeResult } from "./instance";

/** Why an instance cannot be promoted. */
export type RefusalReason = "unreachable" | "not-a-replica" | "errant-transactions";

/** An instance left out of the choice, with a sentence an operator can put in a condition. */
export interface RefusedInstance {
  name: string;
  reason: RefusalReason;
  message: string;
  /** The errant GTIDs, as server text, when `reason` is `errant-transactions`. */
  errantGtids?: string;
}

/** The outcome of {@link chooseFailoverCandidate}: a candidate, or a refusal with its reason. */
export type CandidateChoice =
  | {
      ok: true;
      candidate: InstanceStatus;
      refused: RefusedInstance[];
      /** Transactions of `knownPrimaryGtid` that no reachable replica has (lost with the old
       *  primary, which is only possible after semi-sync fell back to asynchronous); "" if none. */
      missingFromKnownPrimary: string;
    }
  | {
      ok: false;
      reason: "no-eligible-replica" | "would-lose-transactions";
      message: string;
      refused: RefusedInstance[];
    };

export interface CandidateOptions {
  /** The failed primary's name: never a candidate, and not a reference for errant checks. */
  failedPrimary?: string;
  /** The primary's executed set when it was last seen (from the cluster's status), if known. */
  knownPrimaryGtid?: GtidSet;
}

/**
 * Transactions `replica` wrote itself that no other member has seen: GTIDs whose origin is the
 * replica's own server (MySQL `server_uuid`, MariaDB `server_id`) and that are missing from the
 * last known primary set and from every other reachable instance. A former primary's own
 * transactions are not errant: the others replicated them.
 */
export function errantOnReplica(
  replica: InstanceStatus,
  others: readonly InstanceStatus[],
  knownPrimaryGtid?: GtidSet,
): GtidSet {
  const origin =
    replica.serverUuid === undefined
      ? { serverId: replica.serverId }
      : { serverUuid: replica.serverUuid };
  let errant = originatedBy(replica.gtidExecuted, origin);
  if (knownPrimaryGtid) errant = gtidSubtract(errant, knownPrimaryGtid);
  for (const other of others) errant = gtidSubtract(errant, other.gtidExecuted);
  return errant;
}

/**
 * Chooses the replica to promote when the primary is lost: among reachable replicas without
 * errant transactions, the one whose executed GTID set contains every other reachable
 * replica's (their errant transactions aside), so promoting it loses nothing any replica has
 * acknowledged. Call it after each replica has applied its relay log (`failover` does).
 *
 * Never throws: a replica with errant transactions is refused with the GTIDs in the message;
 * when no replica qualifies, or the best one lacks transactions another replica has, the result
 * is `ok: false` with a reason, and nothing should be promoted.
 *
 * @see https://dev.mysql.com/doc/refman/8.4/en/replication-gtids-failover.html
 */
export function chooseFailoverCandidate(
  instances: readonly ProbeResult[],
  options: CandidateOptions = {},
): CandidateChoice {
  const refused: RefusedInstance[] = [];
  const reachable = instances.filter(
    (i): i is InstanceStatus => i.reachable && i.name !== options.failedPrimary,
  );
  for (const i of instances) {
    if (!i.reachable && i.name !== options.failedPrimary) {
      refused.push({
        name: i.name,
        reason: "unreachable",
        message: `${i.name} is unreachable: ${i.error}`,
      });
    }
  }
  const replicas: { status: InstanceStatus; errant: GtidSet }[] = [];
  for (const status of reachable) {
    if (status.role !== "replica") {
      refused.push({
        name: status.name,
        reason: "not-a-replica",
        message: `${status.name} replicates from nobody`,
      });
      continue;
    }
    const others = reachable.filter((other) => other !== status);
    replicas.push({ status, errant: errantOnReplica(status, others, options.knownPrimaryGtid) });
  }
  for (const { status, errant } of replicas) {
    if (isEmptyGtidSet(errant)) continue;
    const errantGtids = formatGtidSet(errant);
    refused.push({
      name: status.name,
      reason: "errant-transactions",
      message: `${status.name} has errant transactions ${errantGtids} (written on the replica, not on the primary)`,
      errantGtids,
    });
  }
  const eligible = replicas.filter(({ errant }) => isEmptyGtidSet(errant)).map((r) => r.status);
  if (eligible.length === 0) {
    return {
      ok: false,
      reason: "no-eligible-replica",
      message: "no reachable replica without errant transactions",
      refused,
    };
  }
  // What each replica holds that came from the primary: its executed set without its errant part.
  const needed = replicas.map(({ status, errant }) => ({
    name: status.name,
    set: gtidSubtract(status.gtidExecuted, errant),
  }));
  const complete = eligible
    .filter((c) => needed.every((n) => gtidContains(c.gtidExecuted, n.set)))
    .sort((a, b) => healthRank(a) - healthRank(b) || a.name.localeCompare(b.name));
  const candidate = complete[0];
  if (!candidate) {
    const best = eligible.reduce((a, b) =>
      gtidWeight(b.gtidExecuted) > gtidWeight(a.gtidExecuted) ? b : a,
    );
    const lacking = needed
      .map((n) => ({ name: n.name, missing: gtidSubtract(n.set, best.gtidExecuted) }))
      .filter((n) => !isEmptyGtidSet(n.missing))
      .map((n) => `${n.name} has ${formatGtidSet(n.missing)}`);
    return {
      ok: false,
      reason: "would-lose-transactions",
      message: `no replica has every transaction the others have; ${best.name} lacks what ${lacking.join("; ")}`,
      refused,
    };
  }
  // The candidate holds every replica's transactions, so what it lacks of the last known primary
  // set is on no reachable server.
  const missing = options.knownPrimaryGtid
    ? formatGtidSet(gtidSubtract(options.knownPrimaryGtid, candidate.gtidExecuted))
    : "";
  return { ok: true, candidate, refused, missingFromKnownPrimary: missing };
}

/** Healthy replicas first: no applier error, then no receiver error. */
function healthRank(status: InstanceStatus): number {
  return (status.replication?.lastSqlError ? 2 : 0) + (status.replication?.lastIoError ? 1 : 0);
}
