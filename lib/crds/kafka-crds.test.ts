import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { renderCrdYaml } from "./crd-manifest";
import { KafkaClusterSpecSchema, kafkaPools, poolNodeIds } from "./kafka-cluster";
import { kafkaConfigLines } from "./kafka-config";
import { kafkaCrds } from "./kafka-crds";
import { KafkaTopicSpecSchema } from "./kafka-topic";
import { KafkaUserSpecSchema } from "./kafka-user";

const pool = { replicas: 3, storage: { size: "10Gi" } };

function issues(result: {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; message: string }[] };
}) {
  return (result.error?.issues ?? []).map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

describe("Kafka CRDs", () => {
  it("matches the committed deploy/crds/ files (run `npm run generate`)", async () => {
    for (const [file, manifest] of Object.entries(kafkaCrds())) {
      const committed = await readFile(
        new URL(`../../deploy/crds/${file}`, import.meta.url),
        "utf8",
      );
      expect(committed, file).toBe(renderCrdYaml(manifest));
    }
  });

  it("defaults a combined cluster and derives node IDs from ordinals", () => {
    const spec = KafkaClusterSpecSchema.parse({ kraft: { combined: pool } });
    expect(spec).toMatchObject({
      version: "4.4.0",
      stopped: false,
      deletionPolicy: "Retain",
      kraft: { mode: "combined" },
      listeners: { internal: { port: 9092, tls: false, authentication: "scram-sha-512" } },
    });
    expect(kafkaPools(spec.kraft).map(({ name }) => name)).toEqual(["combined"]);
    expect(poolNodeIds("combined", 3)).toEqual([0, 1, 2]);
    expect(poolNodeIds("brokers", 2)).toEqual([100, 101]);
  });

  it("refuses mismatched roles, an even quorum, owned settings and open external listeners", () => {
    const result = KafkaClusterSpecSchema.safeParse({
      kraft: { mode: "separate", controllers: { ...pool, replicas: 2 }, combined: pool },
      config: { "node.id": "3", "listener.name.x.y": "z", "log.retention.hours": "72" },
      listeners: { external: { type: "NodePort", authentication: "none" } },
    });
    expect(issues(result)).toEqual(
      expect.arrayContaining([
        "kraft.mode: mode combined needs exactly kraft.combined; mode separate needs kraft.controllers and kraft.brokers",
        "kraft.controllers.replicas: the controller quorum needs an odd number of voters: 1, 3 or 5",
        "config.node.id: setting node.id is owned by the operator and cannot be overridden",
        "config.listener.name.x.y: setting listener.name.x.y is owned by the operator and cannot be overridden",
        "listeners.external.authentication: an external listener must authenticate clients (scram-sha-512)",
      ]),
    );
    expect(kafkaConfigLines({ "node.id": "3", "log.retention.hours": "72" })).toEqual([
      "log.retention.hours=72",
    ]);
  });

  it("defaults topics and users", () => {
    expect(KafkaTopicSpecSchema.parse({ clusterName: "events" })).toEqual({
      clusterName: "events",
      partitions: 1,
      replicationFactor: 1,
    });
    expect(
      issues(KafkaTopicSpecSchema.safeParse({ clusterName: "events", topicName: ".." })),
    ).toEqual(["topicName: must not be '.' or '..'"]);
    const user = KafkaUserSpecSchema.parse({
      clusterName: "events",
      acls: [{ resource: { type: "topic", name: "orders" }, operations: ["Read"] }],
    });
    expect(user).toEqual({
      clusterName: "events",
      authentication: { type: "scram-sha-512" },
      acls: [
        {
          resource: { type: "topic", name: "orders", patternType: "literal" },
          operations: ["Read"],
          host: "*",
        },
      ],
    });
  });
});
