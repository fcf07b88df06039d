import "server-only";
import { ConditionType } from "@/lib/crds/common";
import type { KafkaTopic, KafkaTopicStatus } from "@/lib/crds/kafka-topic";
import type { EnsureTopicResult } from "@/server/kafka";
import type { KafkaObjectProblem } from "../kafka-common/object-reconciler";
import { setConditions, type ConditionInput } from "../runtime/conditions";

/** Why a KafkaTopic is not Ready, beyond the refusals of `ensureTopic`. */
export type TopicProblem = KafkaObjectProblem;

/**
 * The status after one reconcile of `topic`: the applied state and `Ready=True` when the topic
 * matches the spec; `Ready=False` with the refusal's reason (e.g. `ReplicationFactorTooLarge`) or
 * the problem otherwise: `DeletionBlocked` (phase Deleting), `ClusterNotFound` (phase Pending,
 * waiting for the KafkaCluster) or
 * `DatabaseChecksDisabled`, which is `Ready=Unknown` (phase Pending): the operator did not
 * contact a broker, so it cannot tell whether the topic exists. `observedGeneration` moves only
 * when the generation was fully applied.
 */
export function topicStatus(
  topic: KafkaTopic,
  outcome: EnsureTopicResult | TopicProblem,
  topicName: string,
  now: Date,
): KafkaTopicStatus {
  const generation = topic.metadata.generation;
  const previous = topic.status ?? {};
  const ready = (condition: Omit<ConditionInput, "type" | "observedGeneration">) =>
    setConditions(
      previous.conditions,
      [{ type: ConditionType.Ready, observedGeneration: generation, ...condition }],
      now,
    );
  if ("outcome" in outcome && outcome.outcome === "applied") {
    return {
      ...previous,
      observedGeneration: generation,
      phase: "Ready",
      topicName,
      partitions: outcome.partitions,
      replicationFactor: outcome.replicationFactor,
      configs: topic.spec.configs ?? {},
      conditions: ready({
        status: "True",
        reason: outcome.created ? "Created" : "Applied",
        message: `Topic ${topicName} has ${outcome.partitions} partition(s), replication factor ${outcome.replicationFactor}.`,
      }),
    };
  }
  const reason = outcome.reason;
  const pending = reason === "ClusterNotFound" || reason === "DatabaseChecksDisabled";
  return {
    ...previous,
    phase:
      "outcome" in outcome
        ? "Refused"
        : reason === "DeletionBlocked"
          ? "Deleting"
          : pending
            ? "Pending"
            : "Failed",
    topicName,
    conditions: ready({
      status: reason === "DatabaseChecksDisabled" ? "Unknown" : "False",
      reason,
      message: outcome.message,
    }),
  };
}
