import "server-only";
import { Gauge, type Registry } from "prom-client";
import type { ClusterHealth } from "@/server/kafka";

/**
 * Per-cluster Kafka health as Prometheus gauges (labels `namespace`, `cluster`; consumer-group lag
 * also `group` and `topic`), from the Admin API probe of each reconcile; the alerts in `deploy/prometheus/kafka-rules.yaml` read them.
 *
 * @see https://prometheus.io/docs/practices/naming/
 */
export class KafkaClusterMetrics {
  private readonly reachable: Gauge<"namespace" | "cluster">;
  private readonly brokers: Gauge<"namespace" | "cluster">;
  private readonly offline: Gauge<"namespace" | "cluster">;
  private readonly underReplicated: Gauge<"namespace" | "cluster">;
  private readonly groupLag: Gauge<"namespace" | "cluster" | "group" | "topic">;
  /** The (group, topic) series set per cluster (`namespace/cluster`), to drop vanished ones. */
  private readonly lagSeries = new Map<string, { group: string; topic: string }[]>();

  constructor(registry: Registry) {
    const gauge = (name: string, help: string) =>
      new Gauge({
        name,
        help,
        labelNames: ["namespace", "cluster"] as const,
        registers: [registry],
      });
    this.reachable = gauge(
      "pilothouse_kafka_cluster_reachable",
      "1 when the cluster's Admin API answered the last probe, 0 when it did not.",
    );
    this.brokers = gauge("pilothouse_kafka_cluster_brokers_online", "Brokers online.");
    this.offline = gauge(
      "pilothouse_kafka_cluster_offline_partitions",
      "Partitions without a leader (unreadable and unwritable).",
    );
    this.underReplicated = gauge(
      "pilothouse_kafka_cluster_under_replicated_partitions",
      "Partitions whose in-sync replicas are fewer than their replicas.",
    );
    this.groupLag = new Gauge({
      name: "pilothouse_kafka_consumer_group_lag",
      help: "Messages a consumer group is behind the end of one topic's partitions (committed offsets against high watermarks).",
      labelNames: ["namespace", "cluster", "group", "topic"] as const,
      registers: [registry],
    });
  }

  /** Records the last probe of one cluster. */
  record(namespace: string, cluster: string, health: ClusterHealth): void {
    const labels = { namespace, cluster };
    this.reachable.set(labels, health.reachable ? 1 : 0);
    if (!health.reachable) return;
    this.brokers.set(labels, health.brokers.length);
    this.offline.set(labels, health.offlinePartitions);
    this.underReplicated.set(labels, health.underReplicatedPartitions);
    const series = health.groups.flatMap(({ groupId, topics }) =>
      topics.map(({ topic, lag }) => ({ group: groupId, topic, lag })),
    );
    const current = new Set(series.map(({ group, topic }) => `${group}\u0000${topic}`));
    for (const old of this.lagSeries.get(`${namespace}/${cluster}`) ?? []) {
      if (!current.has(`${old.group}\u0000${old.topic}`))
        this.groupLag.remove({ ...labels, ...old });
    }
    for (const { group, topic, lag } of series) this.groupLag.set({ ...labels, group, topic }, lag);
    this.lagSeries.set(
      `${namespace}/${cluster}`,
      series.map(({ group, topic }) => ({ group, topic })),
    );
  }

  /** Drops a cluster's series (stopped or deleted: no alert for what is meant to be down). */
  forget(namespace: string, cluster: string): void {
    for (const gauge of [this.reachable, this.brokers, this.offline, this.underReplicated]) {
      gauge.remove({ namespace, cluster });
    }
    for (const old of this.lagSeries.get(`${namespace}/${cluster}`) ?? []) {
      this.groupLag.remove({ namespace, cluster, ...old });
    }
    this.lagSeries.delete(`${namespace}/${cluster}`);
  }
}
