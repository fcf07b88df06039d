import "server-only";
import {
  describeError,
  failover,
  fence,
  openForWrites,
  probeAll,
  repoint,
  setupReplication,
  switchover,
  type FailoverRequest,
  type FailoverResult,
  type InstanceRef,
  type ProbeResult,
  type ReplicaOutcome,
  type ReplicationContext,
  type SwitchoverRequest,
  type SwitchoverResult,
} from "@/server/mysql";

/**
 * The database-level actions the MySQLCluster controller uses (server/mysql), behind one
 * interface so that unit tests can run the reconcile against a fake fleet of servers.
 */
export interface MySQLActions {
  probeAll(context: ReplicationContext, instances: readonly InstanceRef[]): Promise<ProbeResult[]>;
  setupReplication(
    context: ReplicationContext,
    primary: InstanceRef,
    replicas: readonly InstanceRef[],
  ): Promise<ReplicaOutcome[]>;
  /** `repoint` for each replica; a failure becomes an outcome instead of a throw. */
  repointAll(
    context: ReplicationContext,
    replicas: readonly InstanceRef[],
    source: InstanceRef,
  ): Promise<ReplicaOutcome[]>;
  fence(context: ReplicationContext, instance: InstanceRef): Promise<void>;
  openForWrites(
    context: ReplicationContext,
    primary: InstanceRef,
    withReplicas: boolean,
  ): Promise<void>;
  failover(context: ReplicationContext, request: FailoverRequest): Promise<FailoverResult>;
  switchover(context: ReplicationContext, request: SwitchoverRequest): Promise<SwitchoverResult>;
}

/** The real actions, on real servers. */
export const serverMySQLActions: MySQLActions = {
  probeAll,
  setupReplication,
  repointAll(context, replicas, source) {
    return Promise.all(
      replicas.map((replica) =>
        repoint(context, replica, source).catch((error: unknown): ReplicaOutcome => ({
          name: replica.name,
          ok: false,
          reason: "error",
          message: describeError(error),
        })),
      ),
    );
  },
  fence,
  openForWrites,
  failover,
  switchover,
};
