import "server-only";
import type { Logger } from "pino";
import { OPERATOR_SHARD_LABEL, RECONCILE_ANNOTATION } from "@/lib/crds/common";
import {
  KAFKA_TOPIC_FINALIZER,
  KafkaTopicSchema,
  kafkaTopicName,
  type KafkaTopic,
  type KafkaTopicStatus,
} from "@/lib/crds/kafka-topic";
import type { ResolveKafkaEndpoint, deleteTopic, ensureTopic } from "@/server/kafka";
import type { Reconciler } from "../runtime/controller";
import { setConditions } from "../runtime/conditions";
import type { KafkaObjectApi, RawObject } from "../kafka-common/api";
import { writeStatusWithReadyEvents } from "../kafka-common/events";
import { errorMessage, setFinalizersOrRequeue, resumed } from "../kafka-common/object-writes";
import {
  CLUSTER_NOT_FOUND,
  DATABASE_CHECKS_DISABLED,
  clusterNotFoundMessage,
  notAppliedMessage,
  type MissingClusterWaiters,
  type ReadKafkaCluster,
} from "../kafka-common/cluster-waiters";
import { topicStatus, type TopicProblem } from "./status";

/** Re-check an applied topic this often (ms): a topic deleted outside the operator comes back. */
export const TOPIC_RESYNC_MS = 5 * 60_000;
/** Retry this soon (ms) when the cluster cannot be reached or a write conflicted. */
export const TOPIC_RETRY_MS = 10_000;

export interface KafkaTopicReconcilerOptions {
  api: KafkaObjectApi;
  resolveEndpoint: ResolveKafkaEndpoint;
  /** The Admin API actions (`@/server/kafka`); injected so unit tests need no broker. */
  actions: { ensureTopic: typeof ensureTopic; deleteTopic: typeof deleteTopic };
  /** Reads the KafkaCluster named by `spec.clusterName` (undefined = it does not exist). */
  readCluster: ReadKafkaCluster;
  /** Where a topic waiting for its missing cluster is remembered (re-queued when it appears). */
  clusterWaiters?: MissingClusterWaiters;
  /** False: no broker is contacted; topics say `Ready=Unknown`, `DatabaseChecksDisabled`. */
  databaseChecks?: boolean;
  logger: Logger;
  shard: string | undefined;
  now?: () => Date;
}

/**
 * The KafkaTopic reconciler: get (NotFound = done) → paused? → deleting? (delete the topic, then
 * the finalizer) → finalizer → `ensureTopic` through the cluster's Admin API → status. Refusals
 * (replication factor above the brokers, shrinking partitions) are written as `Ready=False` with
 * their reason and not retried until the spec changes; an unreachable cluster is retried. A
 * missing KafkaCluster is `ClusterNotFound` (queued again when it is created); with database
 * checks disabled nothing is sent to Kafka (`Ready=Unknown`, `DatabaseChecksDisabled`), and
 * deleting such a topic — or one whose cluster is gone — only removes the finalizer.
 *
 * @see https://kafka.apache.org/documentation/#basic_ops_add_topic
 */
export function kafkaTopicReconciler(options: KafkaTopicReconcilerOptions): Reconciler {
  const { api, actions, logger } = options;
  const now = options.now ?? (() => new Date());
  const log = logger.child({ module: "kafka-topic" });

  const writeStatus = (raw: RawObject, topic: KafkaTopic, status: KafkaTopicStatus) =>
    writeStatusWithReadyEvents(api, raw, topic.status, status, log, now());
  const setFinalizers = (raw: RawObject, finalizers: string[]) =>
    setFinalizersOrRequeue(api, raw, finalizers);

  /**
   * Why the topic cannot be applied before any Admin API call: its KafkaCluster is missing
   * (the key waits for it), or database checks are disabled; undefined when it can be.
   */
  async function preconditionProblem(
    topicName: string,
    clusterName: string,
    key: string,
  ): Promise<TopicProblem | undefined> {
    const [namespace = ""] = key.split("/");
    if (!(await options.readCluster(namespace, clusterName))) {
      options.clusterWaiters?.wait(`${namespace}/${clusterName}`, key);
      return { reason: CLUSTER_NOT_FOUND, message: clusterNotFoundMessage(namespace, clusterName) };
    }
    if (options.databaseChecks === false) {
      return { reason: DATABASE_CHECKS_DISABLED, message: notAppliedMessage(`Topic ${topicName}`) };
    }
    return undefined;
  }

  return async (key) => {
    const [namespace = "", name = ""] = key.split("/");
    const raw = await api.get(namespace, name);
    if (!raw) return;
    const parsed = KafkaTopicSchema.safeParse(raw);
    if (!parsed.success) {
      log.warn({ key, issues: parsed.error.issues }, "KafkaTopic does not match its schema");
      return;
    }
    const topic = parsed.data;
    if ((topic.metadata.labels?.[OPERATOR_SHARD_LABEL] ?? undefined) !== options.shard) return;
    const topicName = kafkaTopicName(topic);
    const finalizers = topic.metadata.finalizers ?? [];
    const cluster = { namespace, name: topic.spec.clusterName };

    if (topic.metadata.annotations?.[RECONCILE_ANNOTATION] === "paused") {
      const conditions = setConditions(
        topic.status?.conditions,
        [
          {
            type: "Paused",
            status: "True",
            reason: "Paused",
            message: "Reconciliation is paused.",
          },
        ],
        now(),
      );
      return writeStatus(raw, topic, { ...topic.status, phase: "Paused", conditions });
    }

    const checks = options.databaseChecks ?? true;
    if (topic.metadata.deletionTimestamp) {
      if (!finalizers.includes(KAFKA_TOPIC_FINALIZER)) return;
      const withoutFinalizer = finalizers.filter(
        (finalizer) => finalizer !== KAFKA_TOPIC_FINALIZER,
      );
      if (!checks || !(await options.readCluster(namespace, cluster.name))) {
        // Nothing to delete: no broker was contacted, or the cluster (and its topics) is gone.
        log.info({ key, topic: topicName, checks }, "topic released without the Admin API");
        return setFinalizers(raw, withoutFinalizer);
      }
      try {
        const deleted = await actions.deleteTopic(
          await options.resolveEndpoint(cluster),
          topicName,
        );
        log.info({ key, topic: topicName, deleted }, "topic deleted");
      } catch (error) {
        const problem: TopicProblem = {
          reason: "DeletionBlocked",
          message: `Cannot delete topic ${topicName}: ${errorMessage(error)}. Remove the finalizer ${KAFKA_TOPIC_FINALIZER} to keep the topic and let the object go.`,
        };
        const written = await writeStatus(raw, topic, {
          ...topicStatus(resumed(topic, now()), problem, topicName, now()),
          phase: "Deleting",
        });
        return written ?? { requeueAfterMs: TOPIC_RETRY_MS };
      }
      return setFinalizers(raw, withoutFinalizer);
    }

    if (!finalizers.includes(KAFKA_TOPIC_FINALIZER)) {
      // The informer sees the patch and queues the key again, with the finalizer in place.
      return setFinalizers(raw, [...finalizers, KAFKA_TOPIC_FINALIZER]);
    }

    const problem = await preconditionProblem(topicName, cluster.name, key);
    if (problem) {
      const status = topicStatus(resumed(topic, now()), problem, topicName, now());
      return writeStatus(raw, topic, status);
    }

    let outcome;
    try {
      outcome = await actions.ensureTopic(await options.resolveEndpoint(cluster), {
        name: topicName,
        partitions: topic.spec.partitions,
        replicationFactor: topic.spec.replicationFactor,
        configs: topic.spec.configs ?? {},
      });
    } catch (error) {
      const problem: TopicProblem = { reason: "ClusterUnreachable", message: errorMessage(error) };
      const written = await writeStatus(
        raw,
        topic,
        topicStatus(resumed(topic, now()), problem, topicName, now()),
      );
      return written ?? { requeueAfterMs: TOPIC_RETRY_MS };
    }
    if (outcome.outcome === "applied" && outcome.created) {
      log.info({ key, topic: topicName, partitions: outcome.partitions }, "topic created");
    }
    const written = await writeStatus(
      raw,
      topic,
      topicStatus(resumed(topic, now()), outcome, topicName, now()),
    );
    return (
      written ?? (outcome.outcome === "applied" ? { requeueAfterMs: TOPIC_RESYNC_MS } : undefined)
    );
  };
}
