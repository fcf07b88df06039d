import "server-only";
import type { RawObject } from "./api";

/** Reason of a KafkaTopic or KafkaUser whose `spec.clusterName` names no KafkaCluster. */
export const CLUSTER_NOT_FOUND = "ClusterNotFound";
/** Reason of a KafkaTopic or KafkaUser not applied because the operator runs without checks. */
export const DATABASE_CHECKS_DISABLED = "DatabaseChecksDisabled";

/** Message of {@link CLUSTER_NOT_FOUND}, e.g. `KafkaCluster demo/nosuchkafka does not exist`. */
export function clusterNotFoundMessage(namespace: string, cluster: string): string {
  return `KafkaCluster ${namespace}/${cluster} does not exist; reconciled again when it is created.`;
}

/**
 * Message of {@link DATABASE_CHECKS_DISABLED} for a KafkaTopic or KafkaUser (`what`, e.g.
 * `topic orders`): nothing was written to Kafka, so the object is neither applied nor refused.
 */
export function notAppliedMessage(what: string): string {
  return (
    `${what} not applied: the operator runs without service checks ` +
    "(PILOTHOUSE_OPERATOR_DATABASE_CHECKS=disabled, e.g. on KWOK nodes), so no broker is contacted."
  );
}

/** Reads a KafkaCluster as stored; undefined when it does not exist. */
export type ReadKafkaCluster = (namespace: string, name: string) => Promise<RawObject | undefined>;

/**
 * The {@link ReadKafkaCluster} of the KafkaTopic and KafkaUser controllers: `read` (the
 * apiserver), except for clusters bound to a fixed address by
 * `PILOTHOUSE_OPERATOR_KAFKA_ENDPOINTS` (`namespace/cluster` keys of `endpoints`), which are
 * reached without a KafkaCluster object (tests, local development) and so count as existing.
 */
export function kafkaClusterLookup(
  read: ReadKafkaCluster,
  endpoints: ReadonlyMap<string, unknown>,
): ReadKafkaCluster {
  return (namespace, name) =>
    endpoints.has(`${namespace}/${name}`)
      ? Promise.resolve({ metadata: { namespace, name } })
      : read(namespace, name);
}

/**
 * The KafkaTopics or KafkaUsers waiting for a KafkaCluster that does not exist yet, keyed by
 * the cluster's `namespace/name`: the reconciler adds an object's key when its cluster is
 * missing; the controller's KafkaCluster informer takes them when that cluster appears and
 * queues them again. In memory only: after a restart, the initial list reconciles every object.
 */
export class MissingClusterWaiters {
  private readonly waiting = new Map<string, Set<string>>();

  /** Remembers that the object `objectKey` waits for the KafkaCluster `clusterKey`. */
  wait(clusterKey: string, objectKey: string): void {
    const keys = this.waiting.get(clusterKey) ?? new Set<string>();
    keys.add(objectKey);
    this.waiting.set(clusterKey, keys);
  }

  /** The keys of the objects waiting for `clusterKey`, forgotten once returned. */
  take(clusterKey: string): string[] {
    const keys = this.waiting.get(clusterKey);
    this.waiting.delete(clusterKey);
    return keys ? [...keys] : [];
  }
}
