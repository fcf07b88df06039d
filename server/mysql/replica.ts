import "server-only";
import type { InstanceRef, ReplicationContext } from "./context";
import { describeError } from "./errors";
import { errantTransactions, formatGtidSet, isEmptyGtidSet } from "./gtid";
import { ensureSemiSyncPlugins, executedGtid, readStatus } from "./instance";
import { withInstance } from "./session";

/** What happened to one replica when it was (re)configured. */
export type ReplicaOutcome =
  | { name: string; ok: true }
  | {
      name: string;
      ok: false;
      /** `errant-transactions`: refused and left read-only; `error`: a failure (see message). */
      reason: "errant-transactions" | "error";
      message: string;
      errantGtids?: string;
    };

/**
 * Points `replica` at `source` with GTID auto-positioning, read-only, semi-sync acknowledgements
 * on (when enabled), and starts replication; then turns semi-sync on at the source. Refuses —
 * and leaves the replica read-only without touching its replication — when the replica has
 * executed transactions the source has not (errant transactions): replicating on top of them
 * would hide them (MySQL) or stop with a GTID error (MariaDB strict mode). This is also how a
 * failed primary rejoins: it is fenced first, then becomes a replica or stays fenced.
 *
 * The source's executed set is read after the replica's, so a replica that is still replicating
 * from it is never mistaken for one with errant transactions. Safe to repeat, but it restarts
 * the replica's threads: call it when a probe shows the replica is not following `source`.
 *
 * @throws InstanceUnreachableError when either server cannot be reached; StatementError.
 * @see https://dev.mysql.com/doc/refman/8.4/en/replication-gtids-howto.html
 * @see https://mariadb.com/kb/en/gtid/#setting-up-a-new-replica-server-with-global-transaction-id
 */
export async function configureReplica(
  context: ReplicationContext,
  replica: InstanceRef,
  source: InstanceRef,
): Promise<ReplicaOutcome> {
  const { dialect, logger } = context;
  const outcome = await withInstance(context, replica, async (session): Promise<ReplicaOutcome> => {
    await ensureSemiSyncPlugins(session);
    await session.run(...dialect.setReadOnly(true), ...dialect.disableSemiSyncSource());
    const replicaGtid = (await readStatus(session)).gtidExecuted;
    const errant = errantTransactions(replicaGtid, await executedGtid(context, source));
    if (!isEmptyGtidSet(errant)) {
      const errantGtids = formatGtidSet(errant);
      return {
        name: replica.name,
        ok: false,
        reason: "errant-transactions",
        message: `${replica.name} has transactions ${errantGtids} that ${source.name} has not; left read-only`,
        errantGtids,
      };
    }
    await session.run(
      dialect.stopReplica(),
      ...dialect.alignReplicaPosition(),
      ...dialect.setSemiSyncReplica(context.semiSync.enabled),
      dialect.changeSource({
        host: source.address.host,
        port: source.address.port,
        user: context.replication.user,
        password: context.replication.password,
        connectRetrySeconds: context.connectRetrySeconds,
      }),
      dialect.startReplica(),
    );
    return { name: replica.name, ok: true };
  });
  if (!outcome.ok) {
    logger.warn(
      { instance: replica.name, source: source.name, errant: outcome.errantGtids },
      "replica refused",
    );
    return outcome;
  }
  if (context.semiSync.enabled) {
    await withInstance(context, source, async (session) => {
      await ensureSemiSyncPlugins(session);
      await session.run(...dialect.enableSemiSyncSource(context.semiSync));
    });
  }
  logger.info({ instance: replica.name, source: source.name }, "replicating");
  return outcome;
}

/**
 * {@link configureReplica} for a replica moving to a new primary, or for a failed primary that
 * comes back (`ok: false` with `errant-transactions` means it stays fenced and must be rebuilt).
 */
export const repoint = configureReplica;

/** configureReplica for many replicas at once; failures become outcomes, not throws. */
export async function configureReplicas(
  context: ReplicationContext,
  replicas: readonly InstanceRef[],
  source: InstanceRef,
): Promise<ReplicaOutcome[]> {
  return Promise.all(
    replicas.map((replica) =>
      configureReplica(context, replica, source).catch((error: unknown): ReplicaOutcome => ({
        name: replica.name,
        ok: false,
        reason: "error",
        message: describeError(error),
      })),
    ),
  );
}
