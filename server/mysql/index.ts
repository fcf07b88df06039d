import "server-only";

/**
 * The database-level actions of the MySQLCluster operator: probing servers, GTID replication,
 * switchover and failover, for MySQL 8.4 LTS and MariaDB. The operator builds one
 * {@link createReplicationContext} per cluster and passes {@link InstanceRef}s it resolved from
 * pods ({@link instanceFromPod}); every action opens its own short-lived connections.
 */
export {
  createReplicationContext,
  instanceFromPod,
  type InstanceAddress,
  type InstanceRef,
  type ReplicationContext,
  type ReplicationContextOptions,
  type ResolveAddress,
} from "./context";
export { probe, probeAll, type InstanceStatus, type ProbeResult } from "./instance";
export { configureReplica, repoint, type ReplicaOutcome } from "./replica";
export { fence, openForWrites, promote, setupReplication } from "./topology";
export { switchover, type SwitchoverRequest, type SwitchoverResult } from "./switchover";
export { failover, type FailoverRequest, type FailoverResult } from "./failover";
export {
  chooseFailoverCandidate,
  type CandidateChoice,
  type CandidateOptions,
  type RefusedInstance,
} from "./candidate";
export {
  compareGtidSets,
  errantTransactions,
  formatGtidSet,
  gtidContains,
  parseGtidSet,
  type GtidSet,
} from "./gtid";
export { dialectFor, type Dialect, type Statement } from "./dialect";
export * from "./errors";
