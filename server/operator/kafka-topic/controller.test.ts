import { pino } from "pino";
import { describe, expect, it, vi } from "vitest";
import { KAFKA_TOPIC_FINALIZER, type KafkaTopicStatus } from "@/lib/crds/kafka-topic";
import type { EnsureTopicResult, KafkaEndpoint, TopicSpec } from "@/server/kafka";
import type { KafkaObjectApi, RawObject } from "../kafka-common/api";
import type { KafkaEvent } from "../kafka-common/events";
import { MissingClusterWaiters } from "../kafka-common/cluster-waiters";
import { TOPIC_RESYNC_MS, TOPIC_RETRY_MS, kafkaTopicReconciler } from "./controller";

const endpoint: KafkaEndpoint = { brokers: ["127.0.0.1:9093"] };
const NOW = new Date("2026-11-30T00:00:00Z");

function aTopic(extra: { finalizers?: string[]; deleting?: boolean; status?: KafkaTopicStatus }) {
  return {
    apiVersion: "kafka.pilothouse.dev/v1alpha1",
    kind: "KafkaTopic",
    metadata: {
      name: "orders",
      namespace: "shop",
      generation: 2,
      resourceVersion: "7",
      finalizers: extra.finalizers ?? [KAFKA_TOPIC_FINALIZER],
      ...(extra.deleting ? { deletionTimestamp: "2026-11-30T00:00:00Z" } : {}),
    },
    spec: {
      clusterName: "events",
      partitions: 3,
      replicationFactor: 3,
      configs: { "retention.ms": "1000" },
    },
    ...(extra.status ? { status: extra.status } : {}),
  };
}

function setUp(
  object: RawObject | undefined,
  ensure: EnsureTopicResult | Error,
  options: { clusterExists?: boolean; databaseChecks?: boolean } = {},
) {
  const clusterWaiters = new MissingClusterWaiters();
  const written: RawObject[] = [];
  const finalizers: string[][] = [];
  const events: KafkaEvent[] = [];
  const api: KafkaObjectApi = {
    recordEvent: (_, event) => Promise.resolve(void events.push(event)),
    get: () => Promise.resolve(object),
    replaceStatus: (next) => Promise.resolve(void written.push(next)),
    setFinalizers: (_, next) => Promise.resolve(void finalizers.push(next)),
    readSecret: () => Promise.resolve(undefined),
    createSecret: () => Promise.resolve("created"),
  };
  const ensureTopic = vi.fn<
    (endpoint: KafkaEndpoint, spec: TopicSpec) => Promise<EnsureTopicResult>
  >(() => (ensure instanceof Error ? Promise.reject(ensure) : Promise.resolve(ensure)));
  const deleteTopic = vi.fn(() => Promise.resolve(true));
  const reconcile = kafkaTopicReconciler({
    api,
    resolveEndpoint: () => Promise.resolve(endpoint),
    actions: { ensureTopic, deleteTopic },
    readCluster: (namespace, name) =>
      Promise.resolve(
        options.clusterExists === false ? undefined : { metadata: { namespace, name } },
      ),
    clusterWaiters,
    databaseChecks: options.databaseChecks,
    logger: pino({ level: "silent" }),
    shard: undefined,
    now: () => NOW,
  });
  return { reconcile, written, finalizers, events, ensureTopic, deleteTopic, clusterWaiters };
}

const applied: EnsureTopicResult = {
  outcome: "applied",
  created: true,
  partitions: 3,
  replicationFactor: 3,
  changedConfigs: ["retention.ms"],
};

describe("kafkaTopicReconciler", () => {
  it("adds its finalizer before touching Kafka", async () => {
    const { reconcile, finalizers, ensureTopic } = setUp(aTopic({ finalizers: [] }), applied);
    await reconcile("shop/orders");
    expect(finalizers).toEqual([[KAFKA_TOPIC_FINALIZER]]);
    expect(ensureTopic).not.toHaveBeenCalled();
  });

  it("applies the spec and reports Ready with the applied state", async () => {
    const { reconcile, written, ensureTopic } = setUp(aTopic({}), applied);
    expect(await reconcile("shop/orders")).toEqual({ requeueAfterMs: TOPIC_RESYNC_MS });
    expect(ensureTopic).toHaveBeenCalledWith(endpoint, {
      name: "orders",
      partitions: 3,
      replicationFactor: 3,
      configs: { "retention.ms": "1000" },
    });
    const status = written[0]?.status as KafkaTopicStatus;
    expect(status).toMatchObject({
      observedGeneration: 2,
      phase: "Ready",
      topicName: "orders",
      partitions: 3,
      conditions: [{ type: "Ready", status: "True", reason: "Created", observedGeneration: 2 }],
    });
  });

  it("resyncs without writing when nothing changed", async () => {
    const first = setUp(aTopic({}), applied);
    await first.reconcile("shop/orders");
    const status = first.written[0]?.status as KafkaTopicStatus;
    const { reconcile, written } = setUp(aTopic({ status }), { ...applied, created: false });
    const statusAgain = setUp(aTopic({ status }), applied);
    await statusAgain.reconcile("shop/orders");
    expect(statusAgain.written).toEqual([]);
    expect(await statusAgain.reconcile("shop/orders")).toEqual({ requeueAfterMs: TOPIC_RESYNC_MS });
    await reconcile("shop/orders");
    expect((written[0]?.status as KafkaTopicStatus).conditions?.[0]?.reason).toBe("Applied");
  });

  it("writes a refusal with its reason and does not move observedGeneration", async () => {
    const refused: EnsureTopicResult = {
      outcome: "refused",
      reason: "ReplicationFactorTooLarge",
      message: "replication factor 3 is larger than the 1 broker(s) online",
    };
    const { reconcile, written, events } = setUp(aTopic({}), refused);
    expect(await reconcile("shop/orders")).toBeUndefined();
    const status = written[0]?.status as KafkaTopicStatus;
    expect(status.observedGeneration).toBeUndefined();
    expect(status).toMatchObject({
      phase: "Refused",
      conditions: [{ type: "Ready", status: "False", reason: "ReplicationFactorTooLarge" }],
    });
    expect(events).toEqual([
      { type: "Warning", reason: "ReplicationFactorTooLarge", message: refused.message },
    ]);

    // The same refusal again writes nothing and records no second Event; fixing it is Normal.
    const again = setUp(aTopic({ status }), refused);
    await again.reconcile("shop/orders");
    expect(again.events).toEqual([]);
    const fixed = setUp(aTopic({ status }), applied);
    await fixed.reconcile("shop/orders");
    expect(fixed.events).toEqual([
      {
        type: "Normal",
        reason: "Recovered",
        message: "Topic orders has 3 partition(s), replication factor 3.",
      },
    ]);
  });

  it("retries an unreachable cluster", async () => {
    const { reconcile, written } = setUp(aTopic({}), new Error("Connection timeout"));
    expect(await reconcile("shop/orders")).toEqual({ requeueAfterMs: TOPIC_RETRY_MS });
    expect((written[0]?.status as KafkaTopicStatus).conditions?.[0]).toMatchObject({
      reason: "ClusterUnreachable",
      message: "Connection timeout",
    });
  });

  it("deletes the topic, then removes its finalizer", async () => {
    const object = aTopic({ deleting: true, finalizers: ["other", KAFKA_TOPIC_FINALIZER] });
    const { reconcile, finalizers, deleteTopic } = setUp(object, applied);
    await reconcile("shop/orders");
    expect(deleteTopic).toHaveBeenCalledWith(endpoint, "orders");
    expect(finalizers).toEqual([["other"]]);
  });

  it("does nothing for a missing object", async () => {
    const { reconcile, written, ensureTopic } = setUp(undefined, applied);
    expect(await reconcile("shop/orders")).toBeUndefined();
    expect(written).toEqual([]);
    expect(ensureTopic).not.toHaveBeenCalled();
  });

  it("pauses with the Paused condition only, and clears it when resumed", async () => {
    const paused = aTopic({});
    const annotated = {
      ...paused,
      metadata: { ...paused.metadata, annotations: { "pilothouse.dev/reconcile": "paused" } },
    };
    const first = setUp(annotated, applied);
    await first.reconcile("shop/orders");
    expect(first.ensureTopic).not.toHaveBeenCalled();
    const status = first.written[0]?.status as KafkaTopicStatus;
    expect(status.phase).toBe("Paused");
    expect(status.observedGeneration).toBeUndefined();
    const second = setUp(aTopic({ status }), applied);
    await second.reconcile("shop/orders");
    const conditions = (second.written[0]?.status as KafkaTopicStatus).conditions;
    expect(conditions?.find((c) => c.type === "Paused")).toMatchObject({
      status: "False",
      reason: "Resumed",
    });
  });

  it("names a KafkaCluster that does not exist and waits for it", async () => {
    const { reconcile, written, ensureTopic, clusterWaiters } = setUp(aTopic({}), applied, {
      clusterExists: false,
    });
    expect(await reconcile("shop/orders")).toBeUndefined();
    expect(ensureTopic).not.toHaveBeenCalled();
    const status = written[0]?.status as KafkaTopicStatus;
    expect(status.phase).toBe("Pending");
    expect(status.conditions?.[0]).toMatchObject({ status: "False", reason: "ClusterNotFound" });
    expect(status.conditions?.[0]?.message).toMatch(/^KafkaCluster shop\/events does not exist/);
    // The KafkaCluster informer queues the topic again once the cluster is created.
    expect(clusterWaiters.take("shop/events")).toEqual(["shop/orders"]);
    expect(clusterWaiters.take("shop/events")).toEqual([]);
  });

  it("says the topic is not applied when database checks are disabled, never Ready", async () => {
    const { reconcile, written, ensureTopic } = setUp(aTopic({}), applied, {
      databaseChecks: false,
    });
    await reconcile("shop/orders");
    expect(ensureTopic).not.toHaveBeenCalled();
    const status = written[0]?.status as KafkaTopicStatus;
    expect(status.phase).toBe("Pending");
    expect(status.observedGeneration).toBeUndefined();
    expect(status.conditions?.[0]).toMatchObject({
      type: "Ready",
      status: "Unknown",
      reason: "DatabaseChecksDisabled",
    });
    expect(status.conditions?.[0]?.message).toMatch(
      /^Topic orders not applied: the operator runs without service checks/,
    );
  });

  it("releases a deleted topic without the Admin API when checks are disabled", async () => {
    const object = aTopic({ deleting: true });
    const { reconcile, finalizers, deleteTopic } = setUp(object, applied, {
      databaseChecks: false,
    });
    await reconcile("shop/orders");
    expect(deleteTopic).not.toHaveBeenCalled();
    expect(finalizers).toEqual([[]]);
  });
});
