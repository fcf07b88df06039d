import "server-only";
import {
  KAFKA_TOPIC_FINALIZER,
  KafkaTopicSchema,
  kafkaTopicName,
  type KafkaTopic,
} from "@/lib/crds/kafka-topic";
import type { deleteTopic, ensureTopic } from "@/server/kafka";
import type { Reconciler } from "../runtime/controller";
import {
  kafkaObjectReconciler,
  type KafkaObjectReconcilerDeps,
} from "../kafka-common/object-reconciler";
import { errorMessage, resumed } from "../kafka-common/object-writes";
import { topicStatus, type TopicProblem } from "./status";

/** Re-check an applied topic this often (ms): a topic deleted outside the operator comes back. */
export const TOPIC_RESYNC_MS = 5 * 60_000;
/** Retry this soon (ms) when the cluster cannot be reached or a write conflicted. */
export const TOPIC_RETRY_MS = 10_000;

export interface KafkaTopicReconcilerOptions extends KafkaObjectReconcilerDeps {
  /** The Admin API actions (`@/server/kafka`); injected so unit tests need no broker. */
  actions: { ensureTopic: typeof ensureTopic; deleteTopic: typeof deleteTopic };
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
  const { actions } = options;
  const now = options.now ?? (() => new Date());
  const log = options.logger.child({ module: "kafka-topic" });

  return kafkaObjectReconciler<KafkaTopic>({
    ...options,
    kind: "KafkaTopic",
    schema: KafkaTopicSchema,
    finalizer: KAFKA_TOPIC_FINALIZER,
    log,
    now,
    retryMs: TOPIC_RETRY_MS,
    describe: (topic) => {
      const topicName = kafkaTopicName(topic);
      return { subject: `Topic ${topicName}`, noun: "topic", fields: { topic: topicName } };
    },
    problemStatus: (topic, problem) => topicStatus(topic, problem, kafkaTopicName(topic), now()),
    async remove(topic, endpoint, key) {
      const topicName = kafkaTopicName(topic);
      const deleted = await actions.deleteTopic(endpoint, topicName);
      log.info({ key, topic: topicName, deleted }, "topic deleted");
    },
    deletionBlockedMessage: (topic, cause) =>
      `Cannot delete topic ${kafkaTopicName(topic)}: ${cause}. Remove the finalizer ${KAFKA_TOPIC_FINALIZER} to keep the topic and let the object go.`,
    async apply({ key, object: topic, cluster, writeStatus }) {
      const topicName = kafkaTopicName(topic);
      let outcome;
      try {
        outcome = await actions.ensureTopic(await options.resolveEndpoint(cluster), {
          name: topicName,
          partitions: topic.spec.partitions,
          replicationFactor: topic.spec.replicationFactor,
          configs: topic.spec.configs ?? {},
        });
      } catch (error) {
        const problem: TopicProblem = {
          reason: "ClusterUnreachable",
          message: errorMessage(error),
        };
        const written = await writeStatus(
          topicStatus(resumed(topic, now()), problem, topicName, now()),
        );
        return written ?? { requeueAfterMs: TOPIC_RETRY_MS };
      }
      if (outcome.outcome === "applied" && outcome.created) {
        log.info({ key, topic: topicName, partitions: outcome.partitions }, "topic created");
      }
      const written = await writeStatus(
        topicStatus(resumed(topic, now()), outcome, topicName, now()),
      );
      return (
        written ?? (outcome.outcome === "applied" ? { requeueAfterMs: TOPIC_RESYNC_MS } : undefined)
      );
    },
  });
}
