import "server-only";
import type { KafkaClusterStatus } from "@/lib/crds/kafka-cluster";
import { ConditionType } from "@/lib/crds/common";
import { conditionTransitionEvents, type KafkaEvent } from "../kafka-common/events";

/**
 * The Events of one probe's change to a KafkaCluster's health, from the status before and after
 * it: a Warning when `Degraded` turns True or changes reason (`ClusterUnreachable`,
 * `OfflinePartitions`, `UnderReplicatedPartitions`) and a Normal `Recovered` when it turns False;
 * (not when it turns False because the cluster stops); a Warning `BrokersOffline` when fewer brokers answer than at the last probe and a Normal
 * `BrokersOnline` when more do. Comparing written statuses keeps it level-based: the same status
 * twice, or an operator restart, raises nothing.
 */
export function clusterHealthEvents(
  previous: KafkaClusterStatus | undefined,
  next: KafkaClusterStatus,
): KafkaEvent[] {
  const degraded = next.conditions?.find((c) => c.type === ConditionType.Degraded);
  // A stop ends the probes, not a fault: turning `Degraded=False` for it is no recovery.
  const stopping = degraded?.reason === "Stopped" || degraded?.reason === "Stopping";
  const events = conditionTransitionEvents(
    previous?.conditions,
    next.conditions,
    ConditionType.Degraded,
    "True",
    { reason: "Recovered", message: (condition) => `Healthy again: ${condition.message}` },
  ).filter((event) => !(stopping && event.reason === "Recovered"));
  const before = previous?.brokers;
  const after = next.brokers;
  if (before !== undefined && after !== undefined && after !== before) {
    events.push(
      after < before
        ? {
            type: "Warning",
            reason: "BrokersOffline",
            message: `${after} broker(s) online, ${before - after} fewer than at the last probe.`,
          }
        : {
            type: "Normal",
            reason: "BrokersOnline",
            message: `${after} broker(s) online, ${after - before} more than at the last probe.`,
          },
    );
  }
  return events;
}
