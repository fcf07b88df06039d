/**
 * The KafkaCluster controller on the real control plane (KWOK nodes: pods become Ready, no
 * containers run): a StatefulSet, headless Service and KRaft ConfigMap per pool, the bootstrap
 * Service, the cluster ID generated once; stop keeps the volumes and the cluster ID, start brings
 * the same ones back; invalid specs are refused with the field named. The cluster's Admin API is
 * bound to the local Apache Kafka 4.4 broker (PILOTHOUSE_OPERATOR_KAFKA_ENDPOINTS): stopping that
 * broker turns the cluster Degraded and not Ready and sets the alert metric; starting it recovers.
 *
 * Needs the local platform: `./pilothouse up`, then source ~/.cache/pilothouse/state/dev/env.sh.
 */
import { randomBytes } from "node:crypto";
import { AppsV1Api, type KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KafkaCluster, KafkaClusterSpecInput } from "@/lib/crds/kafka-cluster";
import { eventually } from "./support/eventually";
import { deleteTopic, ensureTopic } from "@/server/kafka";
import {
  clientAs,
  kafkaScript,
  produceAndConsumeSome,
  releaseBroker,
  startBroker,
  type LocalBroker,
} from "./support/kafka-broker";
import { eventsOf, kafkaClusterApi } from "./support/kafka-objects";
import {
  installOperatorManifests,
  kubeConfigFrom,
  platformKubeconfigs,
} from "./support/kube-admin";
import { OperatorProcess } from "./support/operator-process";

const suffix = randomBytes(3).toString("hex");
const namespace = `kafkacluster-it-${suffix}`;
const shard = `kafkacluster-${suffix}`;
const name = "events";
const pool = { storage: { size: "1Gi" } };
const lagTopic = `pht-lag-${suffix}`;
const lagGroup = `pht-lag-group-${suffix}`;
let broker: LocalBroker | undefined;
let admin: KubeConfig | undefined;
let api: ReturnType<typeof kafkaClusterApi>;
let operator: OperatorProcess | undefined;
const alive = () => operator?.assertRunning();

function clusterWhere(what: string, predicate: (cluster: KafkaCluster) => boolean) {
  return eventually(
    what,
    async () => {
      const cluster = await api.read(name);
      return cluster && predicate(cluster) ? cluster : undefined;
    },
    { check: alive, timeoutMs: 90_000, intervalMs: 200 },
  );
}

async function claims(cluster = name): Promise<string[]> {
  const list = await api.core.listNamespacedPersistentVolumeClaim({
    namespace,
    labelSelector: `app.kubernetes.io/instance=${cluster}`,
  });
  return list.items
    .map((claim) => `${claim.metadata?.name ?? ""}@${claim.metadata?.uid ?? ""}`)
    .sort();
}

beforeAll(async () => {
  const kubeconfigs = platformKubeconfigs();
  admin = kubeConfigFrom(kubeconfigs.admin);
  await installOperatorManifests(admin);
  api = kafkaClusterApi(admin, namespace, shard);
  await api.core.createNamespace({ body: { metadata: { name: namespace } } });
  broker = await startBroker();
  operator = await OperatorProcess.start(kubeconfigs.operator, shard, {
    env: {
      PILOTHOUSE_OPERATOR_KAFKA_ENDPOINTS: JSON.stringify(
        Object.fromEntries(
          [name, "kept", "doomed"].map((cluster) => [`${namespace}/${cluster}`, broker?.admin]),
        ),
      ),
    },
  });
});

/** Deletes KafkaCluster `cluster` and waits until its finalizer has let it go. */
async function deleteCluster(cluster: string): Promise<void> {
  await api.delete(cluster).catch(() => undefined);
  await eventually(
    `KafkaCluster ${cluster} to be gone`,
    async () => ((await api.read(cluster)) === undefined ? true : undefined),
    { check: alive, timeoutMs: 60_000 },
  );
}

afterAll(async () => {
  // The operator releases the finalizers: delete while it runs, or the namespace never goes.
  if (operator && api) await deleteCluster(name);
  await operator?.stop();
  if (admin) await OperatorProcess.removeLease(admin, shard);
  await api?.core.deleteNamespace({ name: namespace }).catch(() => undefined);
  if (broker) {
    await startBroker(); // the health test stops it: leave it as found
    const kafkaAdmin = clientAs(broker, "admin", broker.admin.sasl?.password ?? "").admin();
    await kafkaAdmin.connect();
    await kafkaAdmin.deleteGroups([lagGroup]).catch(() => undefined);
    await kafkaAdmin.disconnect();
    await deleteTopic(broker.admin, lagTopic);
    await releaseBroker(broker);
  }
});

/** The value of the operator's series `metric` whose labels contain `labels`, from /metrics. */
async function metric(name: string, ...labels: string[]): Promise<string | undefined> {
  const text = await (
    await fetch(`http://127.0.0.1:${operator?.metricsPort() ?? 0}/metrics`)
  ).text();
  const line = text
    .split("\n")
    .find(
      (l) =>
        l.startsWith(`${name}{`) &&
        l.includes(`namespace="${namespace}"`) &&
        labels.every((label) => l.includes(label)),
    );
  return line?.split(" ").pop();
}

/** The operator's gauge `pilothouse_kafka_cluster_reachable` for this cluster. */
const reachableMetric = () => metric("pilothouse_kafka_cluster_reachable");

describe("KafkaCluster on the real control plane", () => {
  it("refuses invalid specs with the field named", async () => {
    const refusal = (spec: KafkaClusterSpecInput) =>
      api.create("bad", spec).then(
        () => "accepted",
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
    const both = await refusal({
      kraft: {
        mode: "separate",
        controllers: { ...pool, replicas: 2 },
        brokers: { ...pool, replicas: 1 },
      },
      config: { "node.id": "3" },
    });
    expect(both).toMatch(/spec\.kraft\.controllers\.replicas: Invalid value.*odd number of voters/);
    expect(both).toMatch(/spec\.config: Forbidden: setting node\.id is owned by the operator/);
    expect(await refusal({ kraft: { mode: "combined" } })).toMatch(
      /spec\.kraft\.mode: Invalid value.*mode combined needs exactly kraft\.combined/,
    );
  });

  it("builds a StatefulSet and KRaft config per pool, and stop/start keeps volumes and cluster ID", async () => {
    await api.create(name, {
      kraft: {
        mode: "separate",
        controllers: { ...pool, replicas: 3 },
        brokers: { ...pool, replicas: 2 },
      },
      config: { "log.retention.hours": "72" },
    });
    const ready = await clusterWhere("the cluster to be Ready", (c) => c.status?.phase === "Ready");
    const clusterId = ready.status?.clusterId ?? "";
    expect(clusterId).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    expect(ready.status?.pools).toEqual([
      { name: "controllers", nodeIds: [0, 1, 2], readyReplicas: 3 },
      { name: "brokers", nodeIds: [100, 101], readyReplicas: 2 },
    ]);
    expect(ready.status?.bootstrap?.internal).toBe(`events-kafka-bootstrap.${namespace}.svc:9092`);

    const apps = admin!.makeApiClient(AppsV1Api);
    const controllers = await apps.readNamespacedStatefulSet({
      namespace,
      name: "events-controllers",
    });
    expect(controllers.spec?.replicas).toBe(3);
    expect(controllers.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: "KafkaCluster",
      name,
    });
    const config = await api.core.readNamespacedConfigMap({
      namespace,
      name: "events-controllers-config",
    });
    const properties = config.data?.["server.properties"] ?? "";
    expect(properties).toContain("process.roles=controller\n");
    expect(properties).toContain(
      `controller.quorum.voters=0@events-controllers-0.events-controllers-headless.${namespace}.svc:9093,` +
        `1@events-controllers-1.events-controllers-headless.${namespace}.svc:9093,` +
        `2@events-controllers-2.events-controllers-headless.${namespace}.svc:9093\n`,
    );
    const brokers = await api.core.readNamespacedConfigMap({
      namespace,
      name: "events-brokers-config",
    });
    expect(brokers.data?.["server.properties"]).toMatch(
      /process\.roles=broker\n[\s\S]*log\.retention\.hours=72\n$/,
    );
    const idSecret = await api.core.readNamespacedSecret({
      namespace,
      name: "events-kafka-cluster-id",
    });
    expect(Buffer.from(idSecret.data?.clusterId ?? "", "base64").toString()).toBe(clusterId);
    const volumes = await eventually("5 volume claims", async () => {
      const list = await claims();
      return list.length === 5 ? list : undefined;
    });

    await api.patchSpec(name, { stopped: true });
    const stopped = await clusterWhere(
      "the cluster to be Stopped",
      (c) => c.status?.phase === "Stopped",
    );
    expect(stopped.status?.clusterId).toBe(clusterId);
    expect(
      (await apps.readNamespacedStatefulSet({ namespace, name: "events-brokers" })).spec?.replicas,
    ).toBe(0);
    expect(await claims()).toEqual(volumes);

    await api.patchSpec(name, { stopped: false });
    const again = await clusterWhere(
      "the cluster to be Ready again",
      (c) => c.status?.phase === "Ready",
    );
    expect(again.status?.clusterId).toBe(clusterId);
    expect(await claims()).toEqual(volumes);
  });

  it("on deletion keeps the volumes with deletionPolicy Retain and deletes them with Delete", async () => {
    const combined = { kraft: { combined: { ...pool, replicas: 1 } } };
    await api.create("kept", { ...combined, deletionPolicy: "Retain" });
    await api.create("doomed", { ...combined, deletionPolicy: "Delete" });
    const volumes = await eventually("a volume claim each", async () => {
      const [kept, doomed] = [await claims("kept"), await claims("doomed")];
      return kept.length === 1 && doomed.length === 1 ? { kept, doomed } : undefined;
    });
    expect((await api.read("doomed"))?.metadata.finalizers).toContain(
      "kafka.pilothouse.dev/deletion-policy",
    );

    await deleteCluster("kept");
    await deleteCluster("doomed");
    await eventually("the Delete cluster's volume to go", async () =>
      (await claims("doomed")).length === 0 ? true : undefined,
    );
    const kept = await api.core.listNamespacedPersistentVolumeClaim({
      namespace,
      labelSelector: "app.kubernetes.io/instance=kept",
    });
    expect(kept.items.map((c) => `${c.metadata?.name ?? ""}@${c.metadata?.uid ?? ""}`)).toEqual(
      volumes.kept,
    );
    expect(kept.items[0]?.metadata?.deletionTimestamp).toBeUndefined();
  });

  it("reports consumer-group lag in status and as a gauge per group and topic", async () => {
    await ensureTopic(broker!.admin, {
      name: lagTopic,
      partitions: 1,
      replicationFactor: 1,
      configs: {},
    });
    await produceAndConsumeSome(broker!, lagTopic, lagGroup, { produce: 10, consume: 4 });
    const started = Date.now();
    const lagging = await clusterWhere(
      "the group's lag in status",
      (c) => c.status?.consumerGroups?.highestLag.some((g) => g.groupId === lagGroup) ?? false,
    );
    console.log(`consumer-group lag in status ${Date.now() - started} ms after the commit`);
    expect(lagging.status?.consumerGroups?.highestLag).toContainEqual({
      groupId: lagGroup,
      lag: 6,
    });
    expect(lagging.status?.consumerGroups?.maxLag).toBeGreaterThanOrEqual(6);
    expect(
      await metric(
        "pilothouse_kafka_consumer_group_lag",
        `group="${lagGroup}"`,
        `topic="${lagTopic}"`,
      ),
    ).toBe("6");
  });

  it("turns Degraded and raises the alert metric while the broker is stopped, and recovers", async () => {
    const healthy = await clusterWhere(
      "a healthy probe",
      (c) =>
        c.status?.brokers === 1 &&
        (c.status.conditions?.some((x) => x.type === "Degraded" && x.status === "False") ?? false),
    );
    expect(healthy.status).toMatchObject({ quorumLeader: 1, offlinePartitions: 0 });
    expect(await reachableMetric()).toBe("1");

    await kafkaScript("stop");
    const started = Date.now();
    const down = await clusterWhere(
      "Degraded=True",
      (c) =>
        c.status?.conditions?.some((x) => x.type === "Degraded" && x.status === "True") ?? false,
    );
    console.log(`Degraded ${Date.now() - started} ms after the broker stopped`);
    expect(down.status?.phase).toBe("Degraded");
    expect(down.status?.conditions?.find((c) => c.type === "Degraded")?.reason).toBe(
      "ClusterUnreachable",
    );
    expect(down.status?.conditions?.find((c) => c.type === "Ready")?.status).toBe("False");
    expect(await reachableMetric()).toBe("0");
    // The Event follows the status write.
    await eventually("the Warning ClusterUnreachable Event", async () => {
      const events = await eventsOf(api.core, namespace, "KafkaCluster", name);
      return events.some((e) => e.startsWith("Warning ClusterUnreachable: ")) ? events : undefined;
    });

    await startBroker();
    await clusterWhere("Ready again", (c) => c.status?.phase === "Ready");
    expect(await reachableMetric()).toBe("1");
    const recovered = await eventually("the Normal Recovered Event", async () => {
      const events = await eventsOf(api.core, namespace, "KafkaCluster", name);
      return events.some((e) => e.startsWith("Normal Recovered: Healthy again"))
        ? events
        : undefined;
    });
    expect(recovered.filter((e) => e.startsWith("Warning ClusterUnreachable: "))).toHaveLength(1);
  });
});
