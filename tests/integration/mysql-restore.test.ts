/**
 * The MySQLRestore controller against the real control plane (KWOK nodes: Job pods "succeed"
 * without running anything), the real S3 server (VersityGW) and two real MariaDB servers bound to
 * the pods of two clusters through the operator's one seam from pod to address
 * (PILOTHOUSE_OPERATOR_INSTANCE_ADDRESSES), with the operator process as shipped (its own
 * ServiceAccount, a test shard, database checks on).
 *
 * The seam for "a restore that really ran": KWOK runs no container, so the test does the
 * container's work itself — it runs the same restore engine (`runRestore`, what
 * `server/backup/cli.ts restore` runs in the Job: verify size and sha256, then apply) against the
 * target's server while the MySQLRestore is paused, then resumes it. The operator then checks the
 * backup and the target, marks the cluster busy, stops writes on the primary for real, creates the
 * Job, sees it complete, opens writes again, removes the annotation and reports Succeeded. The
 * backup itself is taken the same way (see mysql-backup.test.ts).
 *
 * Needs the local platform: `./pilothouse up`, then `source "$(./pilothouse env)"`.
 */
import { randomBytes } from "node:crypto";
import type { S3Client } from "@aws-sdk/client-s3";
import type { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BackupStorage } from "@/lib/crds/backup-storage";
import { OPERATOR_SHARD_LABEL, RECONCILE_ANNOTATION } from "@/lib/crds/common";
import type { MySQLBackup } from "@/lib/crds/mysql-backup";
import { RESTORE_IN_PROGRESS_ANNOTATION, RESTORE_LABEL } from "@/lib/crds/mysql-restore";
import { runBackup } from "@/server/backup/backup";
import { runRestore } from "@/server/backup/restore";
import {
  connect,
  createTestBucket,
  deleteTestBucket,
  seedDatabase,
  tableChecksums,
} from "./backup-platform";
import { eventually } from "./support/eventually";
import {
  installOperatorManifests,
  kubeConfigFrom,
  platformKubeconfigs,
} from "./support/kube-admin";
import { OperatorProcess } from "./support/operator-process";
import { holdRestoreWithWritesStopped } from "./support/restore-hold";
import { clusterReady, clusterSpec, restoreObjects } from "./support/restore-objects";
import {
  readOnlyOf,
  resetServer,
  startRestorePlatform,
  type RestorePlatform,
} from "./support/restore-platform";

const suffix = randomBytes(3).toString("hex");
const namespace = `mysqlrs-it-${suffix}`;
const shard = `it-rs-${suffix}`;
const SCHEMA = `pilothouse_rs_${suffix}`;
const labels = { [OPERATOR_SHARD_LABEL]: shard };
let admin: KubeConfig | undefined;
let objects: ReturnType<typeof restoreObjects>;
let operator: OperatorProcess | undefined;
let platform: RestorePlatform;
let storage: BackupStorage;
let s3: S3Client;
/** CHECKSUM TABLE of the schema when the backup was taken. */
let atBackup: Record<string, string>;
let backup: MySQLBackup;
const alive = () => operator?.assertRunning();

async function checksumsOn(server: 0 | 1): Promise<Record<string, string>> {
  const db = await connect(platform.servers[server]);
  try {
    return await tableChecksums(db, SCHEMA);
  } finally {
    await db.end();
  }
}

const objectName = () => `${namespace}/orders/snap`;

beforeAll(async () => {
  const kubeconfigs = platformKubeconfigs();
  admin = kubeConfigFrom(kubeconfigs.admin);
  objects = restoreObjects(admin, namespace, shard, alive);
  platform = await startRestorePlatform();
  for (const server of platform.servers) await resetServer(server, SCHEMA);
  ({ storage, client: s3 } = await createTestBucket(
    { database: platform.servers[0], s3: platform.s3 },
    "rs-ctl",
  ));
  await installOperatorManifests(admin);
  await objects.core.createNamespace({ body: { metadata: { name: namespace } } });
  const secret = (name: string, stringData: Record<string, string>) =>
    objects.core.createNamespacedSecret({ namespace, body: { metadata: { name }, stringData } });
  await secret("s3-keys", {
    accessKeyId: storage.credentials.accessKeyId,
    secretAccessKey: storage.credentials.secretAccessKey,
  });
  // The servers were initialised with this root password: give it to both clusters.
  for (const cluster of ["orders", "copy"]) {
    await secret(`${cluster}-credentials`, { "root-password": platform.rootPassword });
  }
  await objects.create(
    "mysqlclusters",
    "MySQLCluster",
    { name: "orders" },
    clusterSpec({
      backup: {
        storages: [
          {
            name: "main",
            s3: {
              endpoint: storage.endpoint,
              region: storage.region,
              bucket: storage.bucket,
              prefix: storage.prefix,
              forcePathStyle: true,
              credentialsSecretRef: { name: "s3-keys" },
            },
          },
        ],
      },
    }),
  );
  const [first, second] = platform.servers;
  const addresses = {
    [`${namespace}/orders-0`]: `${first.host}:${first.port}`,
    [`${namespace}/copy-0`]: `${second.host}:${second.port}`,
  };
  operator = await OperatorProcess.start(kubeconfigs.operator, shard, {
    env: {
      PILOTHOUSE_OPERATOR_INSTANCE_ADDRESSES: JSON.stringify(addresses),
      PILOTHOUSE_OPERATOR_PROBE_SECONDS: "1",
    },
  });
  await objects.until(
    "MySQLCluster orders to be Ready",
    () => objects.readCluster("orders"),
    clusterReady,
    90_000,
  );

  // Rows at backup time, then a backup of them, taken as mysql-backup.test.ts takes one.
  const db = await connect(first);
  await seedDatabase(db, SCHEMA, 1);
  await db.end();
  atBackup = await checksumsOn(0);
  await objects.create(
    "mysqlbackups",
    "MySQLBackup",
    { name: "snap", annotations: { [RECONCILE_ANNOTATION]: "paused" } },
    { clusterName: "orders", storageName: "main" },
  );
  const uploaded = await runBackup({
    connection: first,
    storage,
    name: objectName(),
    databases: [SCHEMA],
  });
  if (uploaded.phase !== "Succeeded") throw new Error(`backup: ${uploaded.error.message}`);
  await objects.unpause("mysqlbackups", "snap");
  backup = await objects.until(
    "MySQLBackup snap to succeed",
    () => objects.readBackup("snap"),
    (b) => b.status?.phase === "Succeeded",
  );
});

afterAll(async () => {
  await operator?.stop();
  if (admin) await OperatorProcess.removeLease(admin, shard);
  // The operator is gone: let the backups go (their objects go with the bucket).
  for (const name of ["snap", "doomed"]) {
    await objects.custom
      .patchNamespacedCustomObject({
        ...objects.api("mysqlbackups"),
        name,
        body: [{ op: "replace", path: "/metadata/finalizers", value: [] }],
      })
      .catch(() => undefined);
  }
  await objects.core.deleteNamespace({ name: namespace }).catch(() => undefined);
  if (s3 && storage) await deleteTestBucket(s3, storage.bucket).catch(() => undefined);
  for (const server of platform?.servers ?? []) {
    await resetServer(server, SCHEMA).catch(() => undefined);
  }
});

/** The restore engine's work, as the Job's container would do it, into `server`. */
async function applyBackup(server: 0 | 1): Promise<number> {
  const result = await runRestore({
    connection: platform.servers[server],
    storage,
    name: objectName(),
    expected: { sizeBytes: backup.status?.sizeBytes ?? -1, sha256: backup.status?.sha256 ?? "" },
  });
  if (result.phase !== "Succeeded") throw new Error(`restore: ${result.error.message}`);
  return result.bytesApplied;
}

describe("MySQLRestore controller", () => {
  it("restores into the existing cluster: Succeeded, and the data equals the backup's", async () => {
    const db = await connect(platform.servers[0]);
    await db.query(`DELETE FROM \`${SCHEMA}\`.orders WHERE id % 3 = 0;
      UPDATE \`${SCHEMA}\`.customers SET name = 'changed' WHERE id < 100;
      INSERT INTO \`${SCHEMA}\`.attachments VALUES (100000, 'after the backup');`);
    await db.end();
    expect(await checksumsOn(0)).not.toEqual(atBackup);

    await objects.createRestore(
      "into-orders",
      { backupName: "snap", target: { clusterName: "orders" } },
      { annotations: { [RECONCILE_ANNOTATION]: "paused" } },
    );
    await objects.until(
      "into-orders to say it is paused",
      () => objects.readRestore("into-orders"),
      (r) => r.status?.conditions?.some((c) => c.type === "Paused" && c.status === "True") ?? false,
    );
    expect(await applyBackup(0)).toBe(backup.status?.sizeBytes);
    await objects.unpause("mysqlrestores", "into-orders");
    // While the restore holds the cluster, the cluster controller (probing every second) must
    // keep the primary read-only, and say why.
    const held = await holdRestoreWithWritesStopped(objects, {
      name: "into-orders",
      clusterName: "orders",
      server: platform.servers[0],
      holdMs: 4_000,
      check: alive,
    });
    expect(held.spanMs).toBeGreaterThanOrEqual(3_500);
    expect(held.readOnly.length).toBeGreaterThan(10);
    expect(held.readOnly).toEqual(held.readOnly.map(() => 1));
    expect(held.cluster.metadata.annotations?.[RESTORE_IN_PROGRESS_ANNOTATION]).toBe("into-orders");
    const replication = held.cluster.status?.conditions?.find(
      (c) => c.type === "ReplicationHealthy",
    );
    expect(replication).toMatchObject({ status: "False", reason: "RestoreInProgress" });
    expect(replication?.message).toMatch(/MySQLRestore into-orders/);
    const restore = await objects.finished("into-orders");

    expect(restore.status).toMatchObject({
      phase: "Succeeded",
      jobName: "into-orders-restore",
      progress: { bytesTotal: backup.status?.sizeBytes },
    });
    expect(restore.status?.startedAt).toBeDefined();
    expect(restore.status?.completedAt).toBeDefined();
    const writes = restore.status?.conditions?.find((c) => c.type === "WritesStopped");
    expect(writes).toMatchObject({ status: "False", reason: "WritesReopened" });
    expect(await checksumsOn(0)).toEqual(atBackup);
    expect(await readOnlyOf(platform.servers[0])).toBe(0);
    const cluster = await objects.readCluster("orders");
    expect(cluster.metadata.annotations?.[RESTORE_IN_PROGRESS_ANNOTATION]).toBeUndefined();
    const reasons = (await objects.events("into-orders")).map((e) => e.reason);
    expect(reasons).toEqual(
      expect.arrayContaining(["StoppingWrites", "WritesStopped", "Restoring", "Restored"]),
    );
  });

  it("restores into a new cluster: creates it, labelled and not owned, then Succeeded", async () => {
    await objects.createRestore(
      "into-copy",
      { backupName: "snap", target: { newCluster: { name: "copy", spec: clusterSpec() } } },
      { annotations: { [RECONCILE_ANNOTATION]: "paused" } },
    );
    expect(await applyBackup(1)).toBe(backup.status?.sizeBytes);
    await objects.unpause("mysqlrestores", "into-copy");
    const restore = await objects.finished("into-copy");
    expect(restore.status?.phase).toBe("Succeeded");
    const copy = await objects.readCluster("copy");
    expect(copy.metadata.labels).toMatchObject({ [RESTORE_LABEL]: "into-copy", ...labels });
    type Owned = { metadata: { ownerReferences?: unknown[] } };
    const ref = { ...objects.api("mysqlclusters"), name: "copy" };
    const raw = (await objects.custom.getNamespacedCustomObject(ref)) as Owned;
    expect(raw.metadata.ownerReferences).toBeUndefined();
    expect(copy.metadata.annotations?.[RESTORE_IN_PROGRESS_ANNOTATION]).toBeUndefined();
    // Released from the hold, the cluster controller opens the primary on its next probe.
    await eventually("copy to be Ready after the hold", async () =>
      clusterReady(await objects.readCluster("copy")) ? true : undefined,
    );
    expect(await checksumsOn(1)).toEqual(atBackup);
    expect((await objects.events("into-copy")).map((e) => e.reason)).toEqual(
      expect.arrayContaining(["CreatingCluster", "Restoring", "Restored"]),
    );
  });

  it("refuses, with the reason: a backup that is not Succeeded (waiting while it runs)", async () => {
    await objects.createRestore("no-backup", {
      backupName: "ghost",
      target: { clusterName: "orders" },
    });
    expect((await objects.finished("no-backup")).status?.error).toMatchObject({
      code: "BackupNotFound",
      message: `spec.backupName: MySQLBackup ${namespace}/ghost does not exist`,
    });

    // Under KWOK no container takes this backup: once resumed it runs, then fails
    // (NoVerifiedBackup). While it is not finished the restore waits, Pending, and says why.
    await objects.create(
      "mysqlbackups",
      "MySQLBackup",
      { name: "doomed", annotations: { [RECONCILE_ANNOTATION]: "paused" } },
      { clusterName: "orders", storageName: "main" },
    );
    await objects.createRestore("from-doomed", {
      backupName: "doomed",
      target: { clusterName: "orders" },
    });
    const waiting = await objects.until(
      "from-doomed to wait for its backup",
      () => objects.readRestore("from-doomed"),
      (r) =>
        r.status?.phase === "Pending" &&
        (r.status.conditions?.some((c) => c.reason === "WaitingForBackup") ?? false),
    );
    expect(waiting.status?.conditions?.find((c) => c.type === "Ready")?.message).toMatch(
      /^spec\.backupName: MySQLBackup .*\/doomed is Pending; the restore starts when it has Succeeded/,
    );
    await objects.unpause("mysqlbackups", "doomed");
    const restore = await objects.finished("from-doomed");
    expect(restore.status?.error?.code).toBe("BackupNotSucceeded");
    expect(restore.status?.error?.message).toMatch(
      new RegExp(
        `^spec\\.backupName: MySQLBackup ${namespace}/doomed is Failed \\(NoVerifiedBackup`,
      ),
    );
    const all = await objects.events("from-doomed");
    expect(all.map((e) => e.reason)).toEqual(
      expect.arrayContaining(["WaitingForBackup", "Failed"]),
    );
    expect(all.find((e) => e.reason === "Failed")?.message).toMatch(/spec\.backupName/);
  });

  it("refuses, with the reason: a stopped cluster, and a second restore at once", async () => {
    await objects.create(
      "mysqlclusters",
      "MySQLCluster",
      { name: "idle" },
      clusterSpec({ stopped: true }),
    );
    await objects.createRestore("into-idle", {
      backupName: "snap",
      target: { clusterName: "idle" },
    });
    const idle = await objects.finished("into-idle");
    expect(idle.status?.error?.code).toBe("ClusterStopped");
    expect(idle.status?.error?.message).toMatch(
      /^spec\.target\.clusterName: MySQLCluster idle is stopped/,
    );

    // A new cluster whose pod no server answers for never becomes Ready: its restore stays
    // Running, holding the cluster.
    await objects.createRestore("holder", {
      backupName: "snap",
      target: { newCluster: { name: "limbo", spec: clusterSpec() } },
    });
    await objects.until(
      "holder to be Running",
      () => objects.readRestore("holder"),
      (r) => r.status?.phase === "Running",
    );
    expect((await objects.readCluster("limbo")).metadata.annotations).toMatchObject({
      [RESTORE_IN_PROGRESS_ANNOTATION]: "holder",
    });
    await objects.createRestore("second", { backupName: "snap", target: { clusterName: "limbo" } });
    const second = await objects.finished("second");
    expect(second.status?.error?.code).toBe("RestoreInProgress");
    expect(second.status?.error?.message).toMatch(/MySQLRestore holder is already restoring/);
    expect((await objects.readRestore("holder")).status?.phase).toBe("Running");

    // Deleting the running restore frees the cluster (its finalizer removes the annotation).
    await objects.custom.deleteNamespacedCustomObject({
      ...objects.api("mysqlrestores"),
      name: "holder",
    });
    await objects.until(
      "limbo to be free again",
      () => objects.readCluster("limbo"),
      (c) => c.metadata.annotations?.[RESTORE_IN_PROGRESS_ANNOTATION] === undefined,
    );
    await eventually("holder to be gone", () =>
      objects.readRestore("holder").then(
        () => undefined,
        () => true,
      ),
    );
  });

  it("counts finished restores by outcome on /metrics", async () => {
    const text = await (await fetch(`http://127.0.0.1:${operator?.metricsPort()}/metrics`)).text();
    const count = (outcome: string) =>
      Number(
        new RegExp(
          `pilothouse_mysql_restores_total\\{namespace="${namespace}",outcome="${outcome}"\\} (\\d+)`,
        ).exec(text)?.[1] ?? 0,
      );
    expect(count("succeeded")).toBe(2);
    expect(count("failed")).toBe(4);
  });
});
