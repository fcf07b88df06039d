import "server-only";
import type { InstanceRef, ReplicationContext } from "./context";
import { MySQLActionError } from "./errors";
import { ensureSemiSyncPlugins, readStatus } from "./instance";
import { configureReplicas, type ReplicaOutcome } from "./replica";
import { withInstance } from "./session";

/**
 * Makes a server read-only so that no client transaction commits on it any more (MySQL
 * `super_read_only=ON`, which implies `read_only`; MariaDB `read_only=ON`, which accounts with
 * READ ONLY ADMIN — SUPER — still bypass: application accounts must not have it). Returns once
 * the flag is set; transactions already committing finish first.
 *
 * @throws InstanceUnreachableError, StatementError.
 * @see https://dev.mysql.com/doc/refman/8.4/en/server-system-variables.html#sysvar_super_read_only
 * @see https://mariadb.com/kb/en/server-system-variables/#read_only
 */
export async function fence(context: ReplicationContext, instance: InstanceRef): Promise<void> {
  await withInstance(context, instance, (session) =>
    session.run(...context.dialect.setReadOnly(true)),
  );
  context.logger.info({ instance: instance.name }, "fenced (read-only)");
}

/** Stops replication on a server and forgets its source: the first step of a promotion. */
export async function detachFromSource(
  context: ReplicationContext,
  instance: InstanceRef,
): Promise<void> {
  const { dialect } = context;
  await withInstance(context, instance, (session) =>
    session.run(dialect.stopReplica(), dialect.resetReplicaAll()),
  );
}

/**
 * Opens a primary for writes: semi-sync on (AFTER_SYNC) when enabled and `withReplicas`, then
 * read-only off. The last step of setup, switchover and failover, so that replicas are already
 * attached when the first write arrives.
 */
export async function openForWrites(
  context: ReplicationContext,
  primary: InstanceRef,
  withReplicas: boolean,
): Promise<void> {
  const { dialect } = context;
  await withInstance(context, primary, async (session) => {
    await ensureSemiSyncPlugins(session);
    const semiSync =
      context.semiSync.enabled && withReplicas
        ? dialect.enableSemiSyncSource(context.semiSync)
        : dialect.disableSemiSyncSource();
    await session.run(...semiSync, ...dialect.setReadOnly(false));
  });
  context.logger.info(
    { instance: primary.name, semiSync: context.semiSync.enabled && withReplicas },
    "writable",
  );
}

/**
 * Promotes a replica on its own: stops and forgets replication, then opens it for writes
 * (without semi-sync, since no replica follows it yet; `configureReplica` turns it on when the
 * first replica attaches). Switchover and failover use the steps separately.
 *
 * @throws InstanceUnreachableError, StatementError.
 * @see https://dev.mysql.com/doc/refman/8.4/en/reset-replica.html
 */
export async function promote(context: ReplicationContext, candidate: InstanceRef): Promise<void> {
  await detachFromSource(context, candidate);
  await openForWrites(context, candidate, false);
}

/**
 * Sets up GTID replication from scratch or repairs it: `primary` (which must not replicate
 * from anyone) becomes writable and gets the replication account (binlogged, so every replica
 * has it after catching up, ready for a later promotion); each replica is configured with
 * `configureReplica`; finally semi-sync is switched on at the primary when at least one replica
 * is attached. Creates three transactions on the primary (the account) and restarts every
 * replica's threads, so call it for bootstrap and repair, not on every reconcile.
 *
 * @returns one outcome per replica, in order; a replica that fails does not stop the others.
 * @throws MySQLActionError when `primary` is itself a replica (use switchover instead);
 *   InstanceUnreachableError / StatementError for the primary.
 */
export async function setupReplication(
  context: ReplicationContext,
  primary: InstanceRef,
  replicas: readonly InstanceRef[],
): Promise<ReplicaOutcome[]> {
  const { dialect } = context;
  await withInstance(context, primary, async (session) => {
    const status = await readStatus(session);
    if (status.role === "replica") {
      throw new MySQLActionError(
        `${primary.name} replicates from ${status.replication?.sourceHost}; switch over to it instead`,
        primary.name,
      );
    }
    await ensureSemiSyncPlugins(session);
    // A semi-sync primary without replicas would hold the account's transactions for the whole
    // timeout; it is switched back on below once a replica is attached.
    const idle = status.semiSync.sourceEnabled && status.semiSync.sourceClients === 0;
    await session.run(
      ...(idle ? dialect.disableSemiSyncSource() : []),
      ...dialect.setReadOnly(false),
      ...dialect.ensureReplicationAccount(context.replication),
    );
  });
  const outcomes = await configureReplicas(context, replicas, primary);
  await openForWrites(
    context,
    primary,
    outcomes.some((o) => o.ok),
  );
  return outcomes;
}
