/**
 * A MySQLRestore into an existing cluster that FAILS after it started applying data, against the
 * real control plane (KWOK nodes), the real S3 server and a real MariaDB server bound to the
 * cluster's pod (PILOTHOUSE_OPERATOR_INSTANCE_ADDRESSES), with the operator process as shipped.
 *
 * The seam for "applied, then failed": a ResourceQuota of one pod in the test namespace (the
 * cluster's own) keeps the restore Job from ever getting a pod, so the Job stays active and KWOK
 * cannot complete it. The test does the container's work itself (the real restore engine,
 * `runRestore`, into the held primary: the data changes), then deletes the Job — as a lost or
 * killed Job would leave things, no report of what was applied. The operator must judge the
 * data possibly partial and keep the cluster held: the primary stays read-only (sampled on the
 * real server across many probes of the cluster controller), also after the MySQLRestore is
 * deleted, until the annotation is removed deliberately.
 *
 * Needs the local platform: `./pilothouse up`, then `source "$(./pilothouse env)"`.
 */
import { randomBytes } from "node:crypto";
import type { S3Client } from "@aws-sdk/client-s3";
import { BatchV1Api, type KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BackupStorage } from "@/lib/crds/backup-storage";
import { RECONCILE_ANNOTATION } from "@/lib/crds/common";
import { RESTORE_IN_PROGRESS_ANNOTATION } from "@/lib/crds/mysql-restore";
import type { DatabaseConnection } from "@/server/backup/connection";
import { runBackup } from "@/server/backup/backup";
import { runRestore } from "@/server/backup/restore";
import { connect, createTestBucket, deleteTestBucket, seedDatabase } from "./backup-platform";
import { eventually } from "./support/eventually";
import {
  installOperatorManifests,
  kubeConfigFrom,
  platformKubeconfigs,
} from "./support/kube-admin";
import { OperatorProcess } from "./support/operator-process";
import { clusterReady, clusterSpec, restoreObjects } from "./support/restore-objects";
import {
  readOnlyOf,
  resetServer,
  startRestorePlatform,
  type RestorePlatform,
} from "./support/restore-platform";

const suffix = randomBytes(3).toString("hex");
const namespace = `mysqlrs-partial-${suffix}`;
const shard = `it-rsp-${suffix}`;
const SCHEMA = `pilothouse_rsp_${suffix}`;
let admin: KubeConfig | undefined;
let objects: ReturnType<typeof restoreObjects>;
let operator: OperatorProcess | undefined;
let platform: RestorePlatform;
let server: DatabaseConnection;
let storage: BackupStorage;
let s3: S3Client;
const alive = () => operator?.assertRunning();
const objectName = () => `${namespace}/orders/snap`;

/** `@@global.read_only` of the server every 250 ms for `ms` (the cluster probes every 1 s). */
async function sampleReadOnly(ms: number): Promise<number[]> {
  const samples: number[] = [];
  const start = Date.now();
  while (Date.now() - start < ms) {
    alive();
    samples.push(await readOnlyOf(server));
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return samples;
}

async function clusterEvents(name: string) {
  const list = await objects.core.listNamespacedEvent({
    namespace,
    fieldSelector: `involvedObject.kind=MySQLCluster,involvedObject.name=${name}`,
  });
  return list.items.map((e) => ({ type: e.type, reason: e.reason, message: e.message ?? "" }));
}

beforeAll(async () => {
  const kubeconfigs = platformKubeconfigs();
  admin = kubeConfigFrom(kubeconfigs.admin);
  objects = restoreObjects(admin, namespace, shard, alive);
  platform = await startRestorePlatform();
  server = platform.servers[0];
  await resetServer(server, SCHEMA);
  ({ storage, client: s3 } = await createTestBucket({ database: server, s3: platform.s3 }, "rsp"));
  await installOperatorManifests(admin);
  await objects.core.createNamespace({ body: { metadata: { name: namespace } } });
  const secret = (name: string, stringData: Record<string, string>) =>
    objects.core.createNamespacedSecret({ namespace, body: { metadata: { name }, stringData } });
  await secret("s3-keys", {
    accessKeyId: storage.credentials.accessKeyId,
    secretAccessKey: storage.credentials.secretAccessKey,
  });
  await secret("orders-credentials", { "root-password": platform.rootPassword });
  const s3Storage = {
    name: "main",
    s3: {
      endpoint: storage.endpoint,
      region: storage.region,
      bucket: storage.bucket,
      prefix: storage.prefix,
      forcePathStyle: true,
      credentialsSecretRef: { name: "s3-keys" },
    },
  };
  await objects.create(
    "mysqlclusters",
    "MySQLCluster",
    { name: "orders" },
    clusterSpec({ backup: { storages: [s3Storage] } }),
  );
  operator = await OperatorProcess.start(kubeconfigs.operator, shard, {
    env: {
      PILOTHOUSE_OPERATOR_INSTANCE_ADDRESSES: JSON.stringify({
        [`${namespace}/orders-0`]: `${server.host}:${server.port}`,
      }),
      PILOTHOUSE_OPERATOR_PROBE_SECONDS: "1",
    },
  });
  await objects.until(
    "orders to be Ready",
    () => objects.readCluster("orders"),
    clusterReady,
    90_000,
  );
  const db = await connect(server);
  await seedDatabase(db, SCHEMA, 1);
  await db.end();
  await objects.create(
    "mysqlbackups",
    "MySQLBackup",
    { name: "snap", annotations: { [RECONCILE_ANNOTATION]: "paused" } },
    { clusterName: "orders", storageName: "main" },
  );
  const uploaded = await runBackup({
    connection: server,
    storage,
    name: objectName(),
    databases: [SCHEMA],
  });
  if (uploaded.phase !== "Succeeded") throw new Error(`backup: ${uploaded.error.message}`);
  await objects.unpause("mysqlbackups", "snap");
  await objects.until(
    "snap to succeed",
    () => objects.readBackup("snap"),
    (b) => b.status?.phase === "Succeeded",
  );
  // From here on no new pod fits in the namespace: the restore Job never gets one.
  await objects.core.createNamespacedResourceQuota({
    namespace,
    body: { metadata: { name: "one-pod" }, spec: { hard: { pods: "1" } } },
  });
});

afterAll(async () => {
  await operator?.stop();
  if (admin) await OperatorProcess.removeLease(admin, shard);
  for (const [plural, name] of [
    ["mysqlbackups", "snap"],
    ["mysqlrestores", "partial"],
  ] as const) {
    await objects.custom
      .patchNamespacedCustomObject({
        ...objects.api(plural),
        name,
        body: [{ op: "replace", path: "/metadata/finalizers", value: [] }],
      })
      .catch(() => undefined);
  }
  await objects.core.deleteNamespace({ name: namespace }).catch(() => undefined);
  if (s3 && storage) await deleteTestBucket(s3, storage.bucket).catch(() => undefined);
  if (server) await resetServer(server, SCHEMA).catch(() => undefined);
});

describe("MySQLRestore that failed after applying data", () => {
  it("keeps the primary read-only, also once deleted, until the annotation is removed", async () => {
    const backup = await objects.readBackup("snap");
    await objects.createRestore("partial", {
      backupName: "snap",
      target: { clusterName: "orders" },
    });
    const running = await objects.until(
      "partial to create its Job",
      () => objects.readRestore("partial"),
      (r) => r.status?.jobName !== undefined,
    );
    const jobName = running.status?.jobName ?? "";
    expect(await readOnlyOf(server)).toBe(1);
    // The container's work, then the Job is lost before it could report anything.
    const applied = await runRestore({
      connection: server,
      storage,
      name: objectName(),
      expected: { sizeBytes: backup.status?.sizeBytes ?? -1, sha256: backup.status?.sha256 ?? "" },
    });
    expect(applied.phase).toBe("Succeeded");
    await admin
      ?.makeApiClient(BatchV1Api)
      .deleteNamespacedJob({ namespace, name: jobName, propagationPolicy: "Background" });

    const failed = await objects.finished("partial");
    expect(failed.status?.phase).toBe("Failed");
    expect(failed.status?.error?.code).toBe("JobFailed");
    expect(failed.status?.error?.message).toMatch(/stays read-only/);
    const writes = failed.status?.conditions?.find((c) => c.type === "WritesStopped");
    expect(writes).toMatchObject({ status: "True", reason: "DataMayBePartial" });
    expect(writes?.message).toMatch(/create a new MySQLRestore into orders from a good backup/);
    expect(writes?.message).toContain(`${RESTORE_IN_PROGRESS_ANNOTATION}-`);
    expect(failed.metadata.finalizers).toEqual(["mysql.pilothouse.dev/restore-in-progress"]);

    // Several probes of the cluster controller later, the primary is still read-only.
    const afterFailure = await sampleReadOnly(4_000);
    expect(afterFailure.length).toBeGreaterThan(10);
    expect(afterFailure).toEqual(afterFailure.map(() => 1));
    const held = await objects.readCluster("orders");
    expect(held.metadata.annotations?.[RESTORE_IN_PROGRESS_ANNOTATION]).toBe("partial");
    expect(held.status?.conditions?.find((c) => c.type === "ReplicationHealthy")).toMatchObject({
      status: "False",
      reason: "RestoreInProgress",
    });
    expect(clusterReady(held)).toBe(false);

    // Deleting the failed restore does not release the cluster; Events say so.
    await objects.custom.deleteNamespacedCustomObject({
      ...objects.api("mysqlrestores"),
      name: "partial",
    });
    await eventually("partial to be gone", () =>
      objects.readRestore("partial").then(
        () => undefined,
        () => true,
      ),
    );
    const stillHeld = (await clusterEvents("orders")).find((e) => e.reason === "ClusterStillHeld");
    expect(stillHeld).toMatchObject({ type: "Warning" });
    expect(stillHeld?.message).toMatch(/MySQLRestore partial was deleted/);
    expect((await objects.events("partial")).map((e) => e.reason)).toContain("ClusterStillHeld");
    const afterDelete = await sampleReadOnly(3_000);
    expect(afterDelete).toEqual(afterDelete.map(() => 1));
    const cluster = await objects.readCluster("orders");
    expect(cluster.metadata.annotations?.[RESTORE_IN_PROGRESS_ANNOTATION]).toBe("partial");

    // Removing the annotation deliberately releases it: the next probes open the primary.
    await objects.custom.patchNamespacedCustomObject({
      ...objects.api("mysqlclusters"),
      name: "orders",
      body: [
        {
          op: "remove",
          path: `/metadata/annotations/${RESTORE_IN_PROGRESS_ANNOTATION.replace("/", "~1")}`,
        },
      ],
    });
    await eventually("the primary to take writes again", async () =>
      (await readOnlyOf(server)) === 0 ? true : undefined,
    );
    await objects.until(
      "orders to be Ready again",
      () => objects.readCluster("orders"),
      clusterReady,
    );
  });
});
