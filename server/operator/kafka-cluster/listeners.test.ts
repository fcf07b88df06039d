import { X509Certificate } from "node:crypto";
import type { V1Node, V1Service, V1StatefulSet } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { KafkaClusterSchema, type KafkaClusterSpecInput } from "@/lib/crds/kafka-cluster";
import type { ClusterHealth } from "@/server/kafka";
import { certificateStillFits, createClusterCa, issueServerCertificate } from "./certificates";
import {
  brokerExternalService,
  brokerExternals,
  externalAddress,
  externalAddresses,
} from "./external";
import { kraftConfig } from "./kraft-config";
import { poolConfigMap, poolStatefulSet } from "./resources";
import { clusterStatus } from "./status";
import { brokerCertificateNames } from "./tls";

const NOW = new Date("2026-11-30T00:00:00Z");
const pool = { replicas: 2, storage: { size: "1Gi" } };

function aCluster(listeners: KafkaClusterSpecInput["listeners"]) {
  return KafkaClusterSchema.parse({
    apiVersion: "kafka.pilothouse.dev/v1alpha1",
    kind: "KafkaCluster",
    metadata: { name: "events", namespace: "shop", uid: "k-uid", generation: 2 },
    spec: { kraft: { combined: pool }, listeners },
  });
}

const node = (name: string, internal: string, external?: string): V1Node => ({
  metadata: { name },
  status: {
    conditions: [{ type: "Ready", status: "True" }],
    addresses: [
      { type: "InternalIP", address: internal },
      ...(external ? [{ type: "ExternalIP", address: external }] : []),
    ],
  },
});

const nodePortService = (nodePort?: number): V1Service => ({
  spec: { type: "NodePort", ports: [{ name: "external", port: 9094, nodePort }] },
});

describe("external listener", () => {
  const cluster = aCluster({ external: { type: "NodePort" } });
  const brokers = brokerExternals(cluster, "combined", pool);

  it("gives each broker a Service selecting its own pod and keeps an allocated node port", () => {
    expect(brokers.map((b) => b.service)).toEqual([
      "events-combined-0-external",
      "events-combined-1-external",
    ]);
    const first = brokerExternalService(cluster, "combined", brokers[1]!, undefined);
    expect(first.spec?.type).toBe("NodePort");
    expect(first.spec?.selector?.["statefulset.kubernetes.io/pod-name"]).toBe("events-combined-1");
    expect(first.spec?.ports?.[0]).toEqual({ name: "external", port: 9094, targetPort: 9094 });
    const again = brokerExternalService(cluster, "combined", brokers[1]!, nodePortService(31234));
    expect(again.spec?.ports?.[0]?.nodePort).toBe(31234);
  });

  it("addresses NodePorts on Ready nodes (ExternalIP first) and LoadBalancers by ingress", () => {
    const nodes = [node("b", "10.0.0.2", "203.0.113.2"), node("a", "10.0.0.1")];
    expect(externalAddress(nodePortService(31000), nodes, 0)).toBe("10.0.0.1:31000");
    expect(externalAddress(nodePortService(31001), nodes, 1)).toBe("203.0.113.2:31001");
    expect(externalAddress(nodePortService(), nodes, 0)).toBeUndefined();
    const balancer: V1Service = {
      spec: { type: "LoadBalancer", ports: [{ name: "external", port: 9094 }] },
    };
    expect(externalAddress(balancer, [], 0)).toBeUndefined();
    balancer.status = { loadBalancer: { ingress: [{ hostname: "kafka-0.example.com" }] } };
    expect(externalAddress(balancer, [], 0)).toBe("kafka-0.example.com:9094");
  });

  it("waits for the first Service without an address, then renders EXTERNAL per broker", () => {
    const services = new Map([
      ["events-combined-0-external", nodePortService(31000)],
      ["events-combined-1-external", nodePortService()],
    ]);
    const nodes = [node("a", "127.0.0.1")];
    expect(externalAddresses(brokers, services, nodes)).toEqual({
      ready: false,
      waitingFor: "events-combined-1-external",
    });
    services.set("events-combined-1-external", nodePortService(31001));
    const addresses = externalAddresses(brokers, services, nodes);
    if (!addresses.ready) throw new Error("addresses should be ready");
    const rendering = { externalAddresses: addresses.byNodeId };
    const config = kraftConfig(cluster, "combined", rendering);
    expect(config).toContain(
      "\nlisteners=CONTROLLER://:9093,REPLICATION://:9091,INTERNAL://:9092,EXTERNAL://:9094\n",
    );
    expect(config).toContain(
      "\nadvertised.listeners=REPLICATION://${POD_HOST}:9091,INTERNAL://${POD_HOST}:9092,EXTERNAL://${EXTERNAL_ADDRESS}\n",
    );
    expect(config).toContain(",EXTERNAL:SASL_PLAINTEXT\n");
    expect(config).toContain("\nlistener.name.external.scram-sha-512.sasl.jaas.config=");
    expect(poolConfigMap(cluster, "combined", rendering).data?.["external-addresses"]).toBe(
      "0 127.0.0.1:31000\n1 127.0.0.1:31001\n",
    );
    const hash = (set: V1StatefulSet) =>
      set.spec?.template.metadata?.annotations?.["kafka.pilothouse.dev/config-hash"];
    const before = poolStatefulSet(cluster, "combined", pool, rendering);
    const moved = poolStatefulSet(cluster, "combined", pool, {
      externalAddresses: new Map([...addresses.byNodeId, [1, "127.0.0.1:31002"]]),
    });
    expect(hash(moved)).not.toBe(hash(before));
  });

  it("says in Ready which Service it waits for, and lists the addresses once known", () => {
    const sets = new Map([["combined", { status: { replicas: 2, readyReplicas: 2 } }]]);
    const health: ClusterHealth = {
      reachable: true,
      clusterId: "x",
      controller: 0,
      brokers: [0, 1],
      topics: 0,
      partitions: 0,
      offlinePartitions: 0,
      underReplicatedPartitions: 0,
      groups: [],
    };
    const waiting = clusterStatus(cluster, "id", sets, health, NOW, undefined, {
      waitingFor: "events-combined-1-external",
    });
    const readyCondition = waiting.conditions?.find((c) => c.type === "Ready");
    expect(readyCondition).toMatchObject({ status: "False", reason: "WaitingForExternalAddress" });
    expect(readyCondition?.message).toContain(
      "waiting for external address of events-combined-1-external",
    );
    const ready = clusterStatus(cluster, "id", sets, health, NOW, undefined, {
      externalBootstrap: "127.0.0.1:31000,127.0.0.1:31001",
    });
    expect(ready.phase).toBe("Ready");
    expect(ready.bootstrap?.external).toBe("127.0.0.1:31000,127.0.0.1:31001");
  });
});

describe("TLS listeners", () => {
  const cluster = aCluster({
    internal: { tls: true },
    external: { type: "LoadBalancer", tls: true },
  });

  it("renders SASL_SSL with PEM key and trust stores from the mounted Secret", () => {
    const rendering = { externalAddresses: new Map([[0, "kafka.example.com:9094"]]) };
    const config = kraftConfig(cluster, "combined", rendering);
    expect(config).toContain(",INTERNAL:SASL_SSL,EXTERNAL:SASL_SSL\n");
    expect(config).toContain(
      "\nssl.keystore.type=PEM\nssl.keystore.location=/etc/kafka-tls/broker.pem\nssl.truststore.type=PEM\nssl.truststore.location=/etc/kafka-tls/ca.crt\n",
    );
    const set = poolStatefulSet(cluster, "combined", pool, { ...rendering, tlsFingerprint: "f1" });
    expect(set.spec?.template.spec?.volumes).toContainEqual({
      name: "tls",
      secret: { secretName: "events-kafka-broker-tls" },
    });
    const renewed = poolStatefulSet(cluster, "combined", pool, {
      ...rendering,
      tlsFingerprint: "f2",
    });
    expect(renewed.spec?.template.metadata?.annotations).not.toEqual(
      set.spec?.template.metadata?.annotations,
    );
  });

  it("issues a broker certificate for pod, Service and external names, signed by the CA", async () => {
    const names = brokerCertificateNames(
      cluster,
      "combined",
      pool,
      new Map([
        [0, "kafka.example.com:9094"],
        [1, "198.51.100.7:9094"],
      ]),
    );
    expect(names).toEqual(
      expect.arrayContaining([
        "events-kafka-bootstrap.shop.svc",
        "events-combined-1.events-combined-headless.shop.svc",
        "events-kafka-external.shop.svc.cluster.local",
        "kafka.example.com",
        "198.51.100.7",
      ]),
    );
    const ca = await createClusterCa("events CA", NOW);
    expect(ca.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const issued = await issueServerCertificate(ca, names, NOW);
    const certificate = new X509Certificate(issued.certificate);
    expect(certificate.checkIssued(new X509Certificate(ca.certificate))).toBe(true);
    expect(certificate.subjectAltName).toContain("IP Address:198.51.100.7");
    expect(certificate.subjectAltName).toContain("DNS:kafka.example.com");
    expect(certificateStillFits(issued.certificate, ca.certificate, names, NOW)).toBe(true);
    // A new external address, another CA, or the last 30 days: issue again.
    expect(
      certificateStillFits(issued.certificate, ca.certificate, [...names, "10.0.0.9"], NOW),
    ).toBe(false);
    const other = await createClusterCa("other CA", NOW);
    expect(certificateStillFits(issued.certificate, other.certificate, names, NOW)).toBe(false);
    const late = new Date(NOW.getTime() + 340 * 24 * 3600 * 1000);
    expect(certificateStillFits(issued.certificate, ca.certificate, names, late)).toBe(false);
  });
});
