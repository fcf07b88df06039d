import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { ClusterHealth } from "@/server/kafka";
import { KafkaClusterMetrics } from "./metrics";

const probe = (groups: Extract<ClusterHealth, { reachable: true }>["groups"]): ClusterHealth => ({
  reachable: true,
  clusterId: "x",
  controller: 0,
  brokers: [0],
  topics: 2,
  partitions: 2,
  offlinePartitions: 0,
  underReplicatedPartitions: 0,
  groups,
});

async function lagLines(registry: Registry): Promise<string[]> {
  return (await registry.metrics())
    .split("\n")
    .filter((line) => line.startsWith("pilothouse_kafka_consumer_group_lag{"));
}

describe("KafkaClusterMetrics", () => {
  it("exports one lag series per group and topic, and drops the series of vanished groups", async () => {
    const registry = new Registry();
    const metrics = new KafkaClusterMetrics(registry);
    metrics.record(
      "shop",
      "events",
      probe([
        { groupId: "billing", lag: 7, topics: [{ topic: "orders", lag: 7 }] },
        { groupId: "audit", lag: 0, topics: [{ topic: "orders", lag: 0 }] },
      ]),
    );
    expect(await lagLines(registry)).toEqual([
      'pilothouse_kafka_consumer_group_lag{namespace="shop",cluster="events",group="billing",topic="orders"} 7',
      'pilothouse_kafka_consumer_group_lag{namespace="shop",cluster="events",group="audit",topic="orders"} 0',
    ]);
    metrics.record(
      "shop",
      "events",
      probe([{ groupId: "audit", lag: 2, topics: [{ topic: "orders", lag: 2 }] }]),
    );
    expect(await lagLines(registry)).toEqual([
      'pilothouse_kafka_consumer_group_lag{namespace="shop",cluster="events",group="audit",topic="orders"} 2',
    ]);
    metrics.forget("shop", "events");
    expect(await lagLines(registry)).toEqual([]);
  });
});
