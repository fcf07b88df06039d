import "server-only";
import type { InstanceAddress, InstanceRef, ReplicationContext } from "./context";
import type { ReplicationStatus, SemiSyncState, ServerState } from "./dialect";
import { describeError, ReplicationWaitTimeoutError, UnexpectedResponseError } from "./errors";
import { formatGtidSet, isEmptyGtidSet, type GtidSet } from "./gtid";
import { withInstance, type InstanceSession } from "./session";

/**
 * What one reachable server reports. `role` is `replica` when replication is configured on it
 * (threads running or not), `primary` otherwise; `readOnly` says whether it accepts writes.
 */
export interface InstanceStatus extends ServerState {
  name: string;
  address: InstanceAddress;
  reachable: true;
  role: "primary" | "replica";
  /** The replication threads; undefined when the server replicates from nobody. */
  replication: ReplicationStatus | undefined;
  semiSync: SemiSyncState;
}

/** A server that could not be probed; `error` is a secret-free description. */
export interface UnreachableInstance {
  name: string;
  address: InstanceAddress;
  reachable: false;
  error: string;
}

export type ProbeResult = InstanceStatus | UnreachableInstance;

/** Reads the state of the server behind an open session. */
export async function readStatus(session: InstanceSession): Promise<InstanceStatus> {
  const { dialect } = session.context;
  const server = await session.one(dialect.serverState(), (row) => dialect.parseServerState(row));
  if (!server) {
    throw new UnexpectedResponseError(
      `${session.instance.name} returned no server state`,
      session.instance.name,
    );
  }
  const replication = await session.one(dialect.replicaStatus(), (row) =>
    dialect.parseReplicaStatus(row),
  );
  const configured = replication !== undefined && replication.sourceHost !== "";
  const semiSync = dialect.parseSemiSync(
    await session.rows(dialect.semiSyncVariables()),
    await session.rows(dialect.semiSyncStatus()),
  );
  return {
    ...server,
    name: session.instance.name,
    address: session.instance.address,
    reachable: true,
    role: configured ? "replica" : "primary",
    replication: configured ? replication : undefined,
    semiSync,
  };
}

/**
 * Probes one server: reachable or not, role, read-only flags, replication threads and their
 * last errors, lag in seconds, executed and received GTID sets, server id, semi-sync state.
 * Never throws: any failure (connection refused, timeout after `connectTimeoutSeconds`, a
 * statement refused) is reported as an {@link UnreachableInstance}.
 *
 * @see https://dev.mysql.com/doc/refman/8.4/en/show-replica-status.html
 * @see https://mariadb.com/kb/en/show-replica-status/
 */
export async function probe(
  context: ReplicationContext,
  instance: InstanceRef,
): Promise<ProbeResult> {
  try {
    return await withInstance(context, instance, readStatus);
  } catch (error) {
    const message = describeError(error);
    context.logger.debug({ instance: instance.name, error: message }, "probe failed");
    return { name: instance.name, address: instance.address, reachable: false, error: message };
  }
}

/** Probes several servers at once; results in the order of `instances`. */
export function probeAll(
  context: ReplicationContext,
  instances: readonly InstanceRef[],
): Promise<ProbeResult[]> {
  return Promise.all(instances.map((instance) => probe(context, instance)));
}

/**
 * Waits until the server behind `session` has executed every transaction of `set` (MySQL
 * `WAIT_FOR_EXECUTED_GTID_SET`, MariaDB `MASTER_GTID_WAIT`, which follows transactions applied
 * by replication). Returns at once for an empty set.
 *
 * @param timeoutSeconds whole seconds, at least 1.
 * @throws ReplicationWaitTimeoutError when the set is not executed in time.
 * @see https://dev.mysql.com/doc/refman/8.4/en/gtid-functions.html#function_wait-for-executed-gtid-set
 * @see https://mariadb.com/kb/en/master_gtid_wait/
 */
export async function waitForGtid(
  session: InstanceSession,
  set: GtidSet,
  timeoutSeconds: number,
): Promise<void> {
  if (isEmptyGtidSet(set)) return;
  const { dialect } = session.context;
  const [row] = await session.rows(dialect.waitForGtid(set, timeoutSeconds), timeoutSeconds);
  if (!dialect.waitReached(row?.result)) {
    throw new ReplicationWaitTimeoutError(
      session.instance.name,
      formatGtidSet(set),
      timeoutSeconds,
    );
  }
}

/**
 * Installs MySQL's semi-sync plugins where missing (MariaDB has them built in). Loading them
 * from the server configuration (`plugin_load_add`) is better: a server started with
 * `super_read_only` cannot install plugins.
 *
 * @see https://dev.mysql.com/doc/refman/8.4/en/replication-semisync-installation.html
 */
export async function ensureSemiSyncPlugins(session: InstanceSession): Promise<void> {
  const { dialect } = session.context;
  const query = dialect.semiSyncPlugins();
  if (!query) return;
  const installed = (await session.rows(query)).map((row) => String(row.name));
  await session.run(...dialect.installSemiSyncPlugins(installed));
}

/** The executed GTID set of a server, read on its own connection. */
export async function executedGtid(
  context: ReplicationContext,
  instance: InstanceRef,
): Promise<GtidSet> {
  return withInstance(
    context,
    instance,
    async (session) => (await readStatus(session)).gtidExecuted,
  );
}
