import { describe, expect, it } from "vitest";
import { KafkaClusterSchema, type KafkaClusterSpecInput } from "@/lib/crds/kafka-cluster";
import { newClusterId } from "./controller";
import { kraftConfig, quorumVoters } from "./kraft-config";
import { externalBootstrapService } from "./external";
import { poolStatefulSet } from "./resources";

function aCluster(spec: KafkaClusterSpecInput) {
  return KafkaClusterSchema.parse({
    apiVersion: "kafka.pilothouse.dev/v1alpha1",
    kind: "KafkaCluster",
    metadata: { name: "events", namespace: "shop", uid: "k-uid" },
    spec,
  });
}

const pool = { replicas: 3, storage: { size: "10Gi" } };

describe("KafkaCluster resources", () => {
  it("derives the quorum from the combined pool and keeps owned settings out", () => {
    const cluster = aCluster({
      kraft: { combined: pool },
      config: { "num.partitions": "6" },
      listeners: { external: { type: "LoadBalancer" } },
    });
    expect(quorumVoters(cluster)).toBe(
      [0, 1, 2]
        .map((i) => `${i}@events-combined-${i}.events-combined-headless.shop.svc:9093`)
        .join(","),
    );
    const config = kraftConfig(cluster, "combined");
    expect(config).toContain("process.roles=broker,controller\nnode.id=${NODE_ID}\n");
    // No external address yet: the EXTERNAL listener waits, the internal one runs.
    expect(config).toContain(
      "listener.security.protocol.map=CONTROLLER:PLAINTEXT,REPLICATION:PLAINTEXT,INTERNAL:SASL_PLAINTEXT\n",
    );
    expect(config).toContain(
      "\nlistener.name.internal.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;\n",
    );
    expect(config).not.toContain("ssl.");
    expect(config).toContain("\nmetadata.log.max.snapshot.interval.ms=60000\n");
    expect(config.endsWith("num.partitions=6\n")).toBe(true);
    expect(externalBootstrapService(cluster, "combined", undefined).spec?.type).toBe(
      "LoadBalancer",
    );
  });

  it("scales to zero when stopped and keeps volumes unless deletionPolicy is Delete", () => {
    const stopped = poolStatefulSet(
      aCluster({ kraft: { combined: pool }, stopped: true }),
      "combined",
      pool,
    );
    expect(stopped.spec?.replicas).toBe(0);
    expect(stopped.spec?.persistentVolumeClaimRetentionPolicy).toEqual({
      whenScaled: "Retain",
      whenDeleted: "Retain",
    });
    const deleting = poolStatefulSet(
      aCluster({ kraft: { combined: pool }, deletionPolicy: "Delete" }),
      "combined",
      pool,
    );
    expect(deleting.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted).toBe("Delete");
    expect(deleting.spec?.volumeClaimTemplates?.[0]?.spec?.resources?.requests).toEqual({
      storage: "10Gi",
    });
  });

  it("generates KRaft cluster IDs in Kafka's format", () => {
    for (let i = 0; i < 50; i++) expect(newClusterId()).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });
});
