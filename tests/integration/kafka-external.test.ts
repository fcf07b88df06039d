/**
 * External and TLS listeners of a KafkaCluster on the real control plane (KWOK nodes, no
 * containers): one Service per broker plus an external bootstrap Service of the type the spec
 * names; NodePort addresses from the nodes' InternalIP with node ports kept across reconciles;
 * a LoadBalancer keeps the EXTERNAL listener out of the broker config, and says so in Ready,
 * until its ingress is assigned (the test plays the load balancer controller); the addresses
 * land in `status.bootstrap.external` and in the brokers' rendered configuration; TLS creates
 * the cluster CA, the broker certificate naming the external addresses, and publishes the CA.
 *
 * Needs the local platform: `./pilothouse up`, then source ~/.cache/pilothouse/state/dev/env.sh.
 */
import { X509Certificate, randomBytes } from "node:crypto";
import { AppsV1Api, type KubeConfig, type V1Service } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KafkaCluster } from "@/lib/crds/kafka-cluster";
import { eventually } from "./support/eventually";
import { kafkaClusterApi } from "./support/kafka-objects";
import {
  installOperatorManifests,
  kubeConfigFrom,
  platformKubeconfigs,
} from "./support/kube-admin";
import { OperatorProcess } from "./support/operator-process";

const suffix = randomBytes(3).toString("hex");
const namespace = `kafka-external-it-${suffix}`;
const shard = `kafka-external-${suffix}`;
const pool = { replicas: 2, storage: { size: "1Gi" } };
let admin: KubeConfig | undefined;
let api: ReturnType<typeof kafkaClusterApi>;
let operator: OperatorProcess | undefined;
const alive = () => operator?.assertRunning();

function clusterWhere(name: string, what: string, predicate: (c: KafkaCluster) => boolean) {
  return eventually(
    what,
    async () => {
      const cluster = await api.read(name);
      return cluster && predicate(cluster) ? cluster : undefined;
    },
    { check: alive, timeoutMs: 60_000, intervalMs: 200 },
  );
}

const service = (name: string): Promise<V1Service> =>
  api.core.readNamespacedService({ namespace, name });

async function brokerConfig(cluster: string) {
  const config = await api.core.readNamespacedConfigMap({
    namespace,
    name: `${cluster}-combined-config`,
  });
  return {
    properties: config.data?.["server.properties"] ?? "",
    addresses: config.data?.["external-addresses"] ?? "",
  };
}

beforeAll(async () => {
  const kubeconfigs = platformKubeconfigs();
  admin = kubeConfigFrom(kubeconfigs.admin);
  await installOperatorManifests(admin);
  api = kafkaClusterApi(admin, namespace, shard);
  await api.core.createNamespace({ body: { metadata: { name: namespace } } });
  operator = await OperatorProcess.start(kubeconfigs.operator, shard);
});

afterAll(async () => {
  for (const name of ["nodeport", "balanced"]) {
    await api?.delete(name).catch(() => undefined);
    if (operator) {
      await eventually(
        `KafkaCluster ${name} to be gone`,
        async () => ((await api.read(name)) === undefined ? true : undefined),
        { check: alive, timeoutMs: 60_000 },
      );
    }
  }
  await operator?.stop();
  if (admin) await OperatorProcess.removeLease(admin, shard);
  await api?.core.deleteNamespace({ name: namespace }).catch(() => undefined);
});

describe("KafkaCluster external listeners", () => {
  it("NodePort: a Service per broker, addresses from the nodes in status and broker config", async () => {
    await api.create("nodeport", {
      kraft: { combined: pool },
      listeners: { external: { type: "NodePort", port: 9094 } },
    });
    const cluster = await clusterWhere("nodeport", "external addresses in status", (c) =>
      Boolean(c.status?.bootstrap?.external),
    );
    const brokers = await Promise.all(
      [0, 1].map((i) => service(`nodeport-combined-${i}-external`)),
    );
    const bootstrap = await service("nodeport-kafka-external");
    expect(bootstrap.spec?.type).toBe("NodePort");
    const nodes = await api.core.listNode();
    const internalIp = nodes.items[0]?.status?.addresses?.find((a) => a.type === "InternalIP");
    const nodePorts = brokers.map((b) => b.spec?.ports?.[0]?.nodePort ?? 0);
    expect(brokers.map((b) => b.spec?.type)).toEqual(["NodePort", "NodePort"]);
    expect(brokers[1]?.spec?.selector?.["statefulset.kubernetes.io/pod-name"]).toBe(
      "nodeport-combined-1",
    );
    const addresses = nodePorts.map((port) => `${internalIp?.address ?? ""}:${port}`);
    expect(cluster.status?.bootstrap?.external).toBe(addresses.join(","));

    const config = await brokerConfig("nodeport");
    expect(config.properties).toMatch(/\nlisteners=.*,EXTERNAL:\/\/:9094\n/);
    expect(config.properties).toMatch(
      /\nadvertised\.listeners=.*,EXTERNAL:\/\/\$\{EXTERNAL_ADDRESS\}\n/,
    );
    expect(config.addresses).toBe(`0 ${addresses[0]}\n1 ${addresses[1]}\n`);

    // Another reconcile (a spec change) keeps every allocated node port.
    await api.patchSpec("nodeport", { config: { "log.retention.hours": "48" } });
    await eventually(
      "the new spec applied",
      async () =>
        (await brokerConfig("nodeport")).properties.includes("log.retention.hours=48")
          ? true
          : undefined,
      { check: alive, timeoutMs: 30_000 },
    );
    const again = await Promise.all([0, 1].map((i) => service(`nodeport-combined-${i}-external`)));
    expect(again.map((b) => b.spec?.ports?.[0]?.nodePort)).toEqual(nodePorts);
    expect((await api.read("nodeport"))?.status?.bootstrap?.external).toBe(addresses.join(","));

    // One broker fewer: its Service goes, and so does its address.
    await api.patchSpec("nodeport", { kraft: { combined: { ...pool, replicas: 1 } } });
    await clusterWhere(
      "nodeport",
      "one external address left",
      (c) => c.status?.bootstrap?.external === addresses[0],
    );
    await eventually(
      "the removed broker's Service to be gone",
      () =>
        service("nodeport-combined-1-external").then(
          () => undefined,
          () => true,
        ),
      { check: alive, timeoutMs: 30_000 },
    );
    expect((await service("nodeport-combined-0-external")).spec?.ports?.[0]?.nodePort).toBe(
      nodePorts[0],
    );
  });

  it("LoadBalancer with TLS: waits for the ingress, then advertises it and certifies it", async () => {
    await api.create("balanced", {
      kraft: { combined: pool },
      listeners: {
        internal: { tls: true },
        external: { type: "LoadBalancer", port: 9094, tls: true },
      },
    });
    const waiting = await clusterWhere("balanced", "Ready to name the Service waited for", (c) =>
      Boolean(
        c.status?.conditions
          ?.find((condition) => condition.type === "Ready")
          ?.message.includes("waiting for external address of balanced-combined-0-external"),
      ),
    );
    expect(waiting.status?.bootstrap?.external).toBeUndefined();
    const before = await brokerConfig("balanced");
    expect(before.properties).not.toContain("EXTERNAL");
    expect(before.properties).toContain(",INTERNAL:SASL_SSL\n");
    expect(before.properties).toContain("\nssl.keystore.type=PEM\n");

    // The test is the load balancer controller: it assigns each broker's Service an address.
    for (const [i, ip] of ["192.0.2.10", "192.0.2.11"].entries()) {
      await api.core.patchNamespacedServiceStatus({
        namespace,
        name: `balanced-combined-${i}-external`,
        body: [{ op: "add", path: "/status/loadBalancer", value: { ingress: [{ ip }] } }],
      });
    }
    const ready = await clusterWhere("balanced", "the load balancer addresses in status", (c) =>
      Boolean(c.status?.bootstrap?.external),
    );
    expect(ready.status?.bootstrap?.external).toBe("192.0.2.10:9094,192.0.2.11:9094");
    const after = await brokerConfig("balanced");
    expect(after.properties).toContain(",INTERNAL:SASL_SSL,EXTERNAL:SASL_SSL\n");
    expect(after.addresses).toBe("0 192.0.2.10:9094\n1 192.0.2.11:9094\n");

    // The CA is published; the broker certificate is signed by it and names the new addresses.
    const caMap = await api.core.readNamespacedConfigMap({
      namespace,
      name: "balanced-kafka-ca-cert",
    });
    const caPem = caMap.data?.["ca.crt"] ?? "";
    expect(ready.status?.tls).toEqual({
      caConfigMap: "balanced-kafka-ca-cert",
      caCertificate: caPem,
    });
    const certificateOf = async () => {
      const secret = await api.core.readNamespacedSecret({
        namespace,
        name: "balanced-kafka-broker-tls",
      });
      return new X509Certificate(Buffer.from(secret.data?.["tls.crt"] ?? "", "base64"));
    };
    const certificate = await eventually(
      "the broker certificate to name the load balancer addresses",
      async () => {
        const current = await certificateOf();
        return current.subjectAltName?.includes("IP Address:192.0.2.11") ? current : undefined;
      },
      { check: alive, timeoutMs: 30_000 },
    );
    expect(certificate.checkIssued(new X509Certificate(caPem))).toBe(true);
    expect(certificate.subjectAltName).toContain(
      `DNS:balanced-combined-1.balanced-combined-headless.${namespace}.svc`,
    );
    const statefulSet = await admin!
      .makeApiClient(AppsV1Api)
      .readNamespacedStatefulSet({ namespace, name: "balanced-combined" });
    const tlsVolume = statefulSet.spec?.template.spec?.volumes?.find((v) => v.name === "tls");
    expect(tlsVolume?.secret?.secretName).toBe("balanced-kafka-broker-tls");
  });
});
