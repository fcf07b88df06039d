/**
 * The MySQLCluster operator against the real control plane (kube-apiserver, controller-manager,
 * scheduler, KWOK nodes): the CRD and RBAC from deploy/, the operator process as shipped, running
 * with its own ServiceAccount. Pods become Running and Ready through KWOK, but no server runs in
 * them: this file tests the object-level behaviour, and that a cluster whose servers cannot be
 * reached is not reported Ready. The database-level flow (replication, failover, switchover on
 * real MariaDB servers bound to the pods) is mysql-cluster-flow.test.ts.
 *
 * Needs the local platform: `./pilothouse up`, then source ~/.cache/pilothouse/state/dev/env.sh.
 */
import { randomBytes } from "node:crypto";
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  type KubeConfig,
  type KubernetesObject,
} from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { OPERATOR_SHARD_LABEL, RECONCILE_ANNOTATION } from "@/lib/crds/common";
import {
  MYSQL_API_VERSION,
  MYSQL_GROUP,
  MYSQL_VERSION,
  MySQLClusterSchema,
  type MySQLCluster,
  type MySQLClusterSpecInput,
} from "@/lib/crds/mysql-cluster";
import { eventually } from "./support/eventually";
import {
  installOperatorManifests,
  kubeConfigFrom,
  platformKubeconfigs,
} from "./support/kube-admin";
import { OperatorProcess } from "./support/operator-process";

const suffix = randomBytes(3).toString("hex");
const namespace = `mysqlc-it-${suffix}`;
/** This file's operator serves only clusters with this shard label (see OperatorProcess.start). */
const shard = `it-${suffix}`;
const crd = { group: MYSQL_GROUP, version: MYSQL_VERSION, plural: "mysqlclusters" };

let admin: KubeConfig;
let operator: OperatorProcess | undefined;
let core: CoreV1Api;
let apps: AppsV1Api;
let custom: CustomObjectsApi;

const alive = () => operator?.assertRunning();

async function readCluster(name: string): Promise<MySQLCluster> {
  const raw: unknown = await custom.getNamespacedCustomObject({ ...crd, namespace, name });
  return MySQLClusterSchema.parse(raw);
}

function createCluster(name: string, spec: MySQLClusterSpecInput): Promise<unknown> {
  const metadata = { name, labels: { [OPERATOR_SHARD_LABEL]: shard } };
  const body = { apiVersion: MYSQL_API_VERSION, kind: "MySQLCluster", metadata, spec };
  return custom.createNamespacedCustomObject({ ...crd, namespace, body });
}

async function patchSpec(name: string, spec: Partial<MySQLClusterSpecInput>): Promise<void> {
  const objects = KubernetesObjectApi.makeApiClient(admin);
  const patch = {
    apiVersion: MYSQL_API_VERSION,
    kind: "MySQLCluster",
    metadata: { name, namespace },
    spec,
  };
  await objects.patch(patch, undefined, undefined, undefined, undefined, PatchStrategy.MergePatch);
}

/**
 * The cluster once its current generation is rolled out with `replicas` Ready pods. Without
 * servers behind the pods it never becomes Ready: `Ready=False`, reason `PrimaryUnavailable`.
 */
function rolledOutCluster(name: string, replicas: number): Promise<MySQLCluster> {
  return eventually(
    `${name} to run ${replicas} ready pods`,
    async () => {
      const cluster = await readCluster(name);
      const progressing = cluster.status?.conditions?.find((c) => c.type === "Progressing");
      const generation = cluster.metadata.generation;
      const done =
        progressing?.status === "False" &&
        cluster.status?.readyReplicas === replicas &&
        cluster.status.observedGeneration === generation;
      return done ? cluster : undefined;
    },
    { check: alive },
  );
}

async function rootPassword(name: string): Promise<string> {
  const secret = await core.readNamespacedSecret({ namespace, name: `${name}-credentials` });
  return Buffer.from(secret.data?.["root-password"] ?? "", "base64").toString("utf8");
}

const StatusCausesSchema = z.object({
  message: z.string(),
  details: z.object({ causes: z.array(z.object({ field: z.string(), message: z.string() })) }),
});

beforeAll(async () => {
  const kubeconfigs = platformKubeconfigs();
  admin = kubeConfigFrom(kubeconfigs.admin);
  core = admin.makeApiClient(CoreV1Api);
  apps = admin.makeApiClient(AppsV1Api);
  custom = admin.makeApiClient(CustomObjectsApi);
  await installOperatorManifests(admin);
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  operator = await OperatorProcess.start(kubeconfigs.operator, shard);
});

afterAll(async () => {
  await operator?.stop();
  if (admin) await OperatorProcess.removeLease(admin, shard);
  await core?.deleteNamespace({ name: namespace }).catch(() => undefined);
});

describe("MySQLCluster operator", () => {
  const name = "orders";
  let uid = "";
  let password = "";

  it("creates every owned object with an owner reference to the cluster", async () => {
    await createCluster(name, { replicas: 3, storage: { size: "1Gi" } });
    uid = (await readCluster(name)).metadata.uid ?? "";
    expect(uid).not.toBe("");
    const owned = await eventually(
      "the owned objects",
      async () => {
        const read = {
          secret: await core.readNamespacedSecret({ namespace, name: `${name}-credentials` }),
          configMap: await core.readNamespacedConfigMap({ namespace, name: `${name}-config` }),
          headless: await core.readNamespacedService({ namespace, name: `${name}-headless` }),
          primary: await core.readNamespacedService({ namespace, name: `${name}-primary` }),
          statefulSet: await apps.readNamespacedStatefulSet({ namespace, name }),
        };
        return read;
      },
      { check: alive },
    );
    for (const object of Object.values(owned)) {
      expect(object.metadata?.ownerReferences).toEqual([
        expect.objectContaining({
          apiVersion: MYSQL_API_VERSION,
          kind: "MySQLCluster",
          name,
          uid,
          controller: true,
          blockOwnerDeletion: true,
        }),
      ]);
    }
    expect(owned.statefulSet.spec?.replicas).toBe(3);
    expect(owned.headless.spec?.clusterIP).toBe("None");
    expect(owned.primary.spec?.selector?.["pilothouse.dev/role"]).toBe("primary");
    expect(owned.configMap.data?.["pilothouse.cnf"]).toContain("gtid_mode = ON");
    const managers = owned.statefulSet.metadata?.managedFields?.map((field) => field.manager);
    expect(managers).toContain("pilothouse-operator");
    password = await rootPassword(name);
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it("runs the pods through KWOK, but is not Ready while no server answers, and says why", async () => {
    const cluster = await rolledOutCluster(name, 3);
    expect(cluster.status).toMatchObject({ phase: "Degraded", replicas: 3, primary: `${name}-0` });
    const ready = cluster.status?.conditions?.find((c) => c.type === "Ready");
    expect(ready).toMatchObject({ status: "False", reason: "PrimaryUnavailable" });
    expect(ready?.message).toContain(`primary ${name}-0 is unreachable`);
    expect(cluster.status?.instances?.map((i) => [i.name, i.reachable])).toEqual([
      [`${name}-0`, false],
      [`${name}-1`, false],
      [`${name}-2`, false],
    ]);
    // Nothing answers, so nothing may be failed over: the operator holds.
    const replication = cluster.status?.conditions?.find((c) => c.type === "ReplicationHealthy");
    expect(replication).toMatchObject({ status: "False", reason: "NoReplicaReachable" });
    const pods = await core.listNamespacedPod({
      namespace,
      labelSelector: `app.kubernetes.io/instance=${name}`,
    });
    expect(pods.items.filter((pod) => pod.status?.phase === "Running")).toHaveLength(3);
    // No pod carries a role, so the primary Service selects nothing rather than a dead server.
    expect(pods.items.map((pod) => pod.metadata?.labels?.["pilothouse.dev/role"])).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    const events = await core.listNamespacedEvent({
      namespace,
      fieldSelector: `involvedObject.kind=MySQLCluster,involvedObject.name=${name}`,
    });
    // Only this file's operator may have acted: an operator without shard support (started from
    // older code) would reconcile these clusters too and could hide a broken one.
    const reporters = new Set(events.items.map((event) => event.reportingInstance));
    expect([...reporters].filter((r) => r !== `integration-${shard}`)).toEqual([]);
  });

  it("follows a replicas change: the StatefulSet scales and observedGeneration advances", async () => {
    const before = await readCluster(name);
    await patchSpec(name, { replicas: 5 });
    await eventually(
      "the StatefulSet to ask for 5 servers",
      async () => {
        const sts = await apps.readNamespacedStatefulSet({ namespace, name });
        return sts.spec?.replicas === 5 ? true : undefined;
      },
      { check: alive },
    );
    const after = await rolledOutCluster(name, 5);
    expect(after.metadata.generation).toBe((before.metadata.generation ?? 0) + 1);
    expect(after.status?.observedGeneration).toBe(after.metadata.generation);
    expect(await rootPassword(name)).toBe(password);
  });

  it("stops to zero servers keeping volumes and credentials, and starts again", async () => {
    await patchSpec(name, { stopped: true });
    await eventually(
      "the cluster to be Stopped",
      async () => ((await readCluster(name)).status?.phase === "Stopped" ? true : undefined),
      { check: alive },
    );
    const sts = await apps.readNamespacedStatefulSet({ namespace, name });
    expect(sts.spec?.replicas).toBe(0);
    const claims = await core.listNamespacedPersistentVolumeClaim({ namespace });
    expect(claims.items.map((claim) => claim.metadata?.name).sort()).toEqual(
      [0, 1, 2, 3, 4].map((ordinal) => `data-${name}-${ordinal}`),
    );
    await patchSpec(name, { stopped: false });
    await rolledOutCluster(name, 5);
    expect(await rootPassword(name)).toBe(password);
  });

  it("pauses on the annotation: the spec waits, observedGeneration stays, then it resumes", async () => {
    const objects = KubernetesObjectApi.makeApiClient(admin);
    const annotate = (value: string | null) =>
      objects.patch(
        {
          apiVersion: MYSQL_API_VERSION,
          kind: "MySQLCluster",
          metadata: { name, namespace, annotations: { [RECONCILE_ANNOTATION]: value } },
        } as KubernetesObject,
        undefined,
        undefined,
        undefined,
        undefined,
        PatchStrategy.MergePatch,
      );
    await annotate("paused");
    const paused = await eventually(
      "the cluster to be Paused",
      async () => {
        const cluster = await readCluster(name);
        return cluster.status?.phase === "Paused" ? cluster : undefined;
      },
      { check: alive },
    );
    await patchSpec(name, { replicas: 2 });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const sts = await apps.readNamespacedStatefulSet({ namespace, name });
    expect(sts.spec?.replicas).toBe(5);
    const waiting = await readCluster(name);
    expect(waiting.status?.observedGeneration).toBe(paused.status?.observedGeneration);
    expect(waiting.metadata.generation).toBe((paused.metadata.generation ?? 0) + 1);
    await annotate(null);
    const resumed = await rolledOutCluster(name, 2);
    const pausedCondition = resumed.status?.conditions?.find((c) => c.type === "Paused");
    expect(pausedCondition).toMatchObject({ status: "False", reason: "ReconcileResumed" });
  });

  it("has the apiserver reject an invalid spec with a message naming each field", async () => {
    const refusal = await createCluster("broken", {
      replicas: 0,
      version: "latest",
      storage: { size: "ten" },
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(ApiException);
    const status = refusal as ApiException<string>;
    expect(status.code).toBe(422);
    const body = StatusCausesSchema.parse(JSON.parse(status.body));
    const byField = Object.fromEntries(
      body.details.causes.map((cause) => [cause.field, cause.message]),
    );
    expect(byField["spec.replicas"]).toMatch(/greater than or equal to 1/);
    expect(byField["spec.version"]).toMatch(/must be a server version such as 8\.4/);
    expect(byField["spec.storage.size"]).toMatch(/must be a quantity such as 10Gi/);
    expect(body.message).toContain("spec.version");
  });

  it("refuses changing the engine, the storage size or the storage class of an existing cluster", async () => {
    const causesOf = async (spec: Partial<MySQLClusterSpecInput>) => {
      const refusal = await patchSpec(name, spec).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(ApiException);
      const status = refusal as ApiException<string>;
      expect(status.code).toBe(422);
      const body = StatusCausesSchema.parse(JSON.parse(status.body));
      return Object.fromEntries(body.details.causes.map((c) => [c.field, c.message]));
    };
    const before = await readCluster(name);
    expect((await causesOf({ engine: "mariadb", version: "11.4" }))["spec.engine"]).toMatch(
      /cannot change once the cluster exists/,
    );
    expect((await causesOf({ storage: { size: "20Gi" } }))["spec.storage.size"]).toMatch(
      /resizing the volumes of an existing cluster is not supported/,
    );
    expect(
      (await causesOf({ storage: { size: "1Gi", storageClassName: "other" } }))[
        "spec.storage.storageClassName"
      ],
    ).toMatch(/cannot change once the cluster exists/);
    const after = await readCluster(name);
    expect(after.metadata.generation).toBe(before.metadata.generation);
  });

  it("deleting the cluster garbage-collects its children, keeping the Secret (deletionPolicy Retain)", async () => {
    await custom.deleteNamespacedCustomObject({ ...crd, namespace, name });
    const reads = {
      statefulSet: () => apps.readNamespacedStatefulSet({ namespace, name }),
      headless: () => core.readNamespacedService({ namespace, name: `${name}-headless` }),
      primary: () => core.readNamespacedService({ namespace, name: `${name}-primary` }),
      configMap: () => core.readNamespacedConfigMap({ namespace, name: `${name}-config` }),
    };
    for (const [what, read] of Object.entries(reads)) {
      await eventually(`the ${what} to be garbage-collected`, () =>
        read().then(
          () => undefined,
          (error: unknown) =>
            error instanceof ApiException && error.code === 404 ? true : undefined,
        ),
      );
    }
    await eventually("the pods to be gone", async () => {
      const pods = await core.listNamespacedPod({
        namespace,
        labelSelector: `app.kubernetes.io/instance=${name}`,
      });
      return pods.items.length === 0 ? true : undefined;
    });
    // The default policy keeps the data: the Secret outlives its cluster, released from it.
    const secret = await core.readNamespacedSecret({ namespace, name: `${name}-credentials` });
    expect(secret.metadata?.ownerReferences ?? []).toEqual([]);
  });
});
