/**
 * The MySQLBackup controller and the backup schedules against the real control plane (KWOK
 * nodes: Job pods "succeed" without running anything), the real S3 server (VersityGW) and a real
 * MariaDB server, with the operator process as shipped (its own ServiceAccount, a test shard).
 *
 * The seam for "a backup that really exists ends Succeeded": KWOK runs no container, so the test
 * does the container's work itself — it runs the same backup engine (`runBackup`, what
 * `server/backup/cli.ts backup` runs in the Job) against local MariaDB into the same bucket and
 * key — while the MySQLBackup is paused, then resumes it. The operator creates the Job, KWOK
 * completes it without a termination message, and the operator judges the run by storage alone:
 * it reads the manifest, checks it belongs to this run, reads the object back and verifies size
 * and sha256 (`runVerify`). Nothing in the operator knows about tests.
 *
 * Needs the local platform: `./pilothouse up`, then `source "$(./pilothouse env)"`.
 */
import { randomBytes } from "node:crypto";
import { HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BackupStorage } from "@/lib/crds/backup-storage";
import { OPERATOR_SHARD_LABEL, RECONCILE_ANNOTATION } from "@/lib/crds/common";
import {
  BACKUP_OBJECT_FINALIZER,
  MySQLBackupSchema,
  type MySQLBackup,
} from "@/lib/crds/mysql-backup";
import { MYSQL_API_VERSION, MYSQL_GROUP, MYSQL_VERSION } from "@/lib/crds/mysql-cluster";
import { runBackup } from "@/server/backup/backup";
import {
  connect,
  createTestBucket,
  deleteTestBucket,
  startBackupPlatform,
  type BackupPlatform,
} from "./backup-platform";
import { eventReasons } from "./support/event-reasons";
import { eventually } from "./support/eventually";
import {
  installOperatorManifests,
  kubeConfigFrom,
  platformKubeconfigs,
} from "./support/kube-admin";
import { OperatorProcess } from "./support/operator-process";

const suffix = randomBytes(3).toString("hex");
const namespace = `mysqlbk-it-${suffix}`;
const shard = `it-bk-${suffix}`;
const SCHEMA = `pilothouse_bk_${suffix}`;
const api = (plural: string) => ({ group: MYSQL_GROUP, version: MYSQL_VERSION, plural, namespace });

let admin: KubeConfig;
let core: CoreV1Api;
let custom: CustomObjectsApi;
let operator: OperatorProcess | undefined;
let platform: BackupPlatform;
let storage: BackupStorage;
let s3: S3Client;

const alive = () => operator?.assertRunning();
const labels = { [OPERATOR_SHARD_LABEL]: shard };

async function readBackup(name: string): Promise<MySQLBackup> {
  return MySQLBackupSchema.parse(
    await custom.getNamespacedCustomObject({ ...api("mysqlbackups"), name }),
  );
}

function createBackup(
  name: string,
  metadata: Record<string, unknown> = {},
  spec: Record<string, unknown> = {},
) {
  return custom.createNamespacedCustomObject({
    ...api("mysqlbackups"),
    body: {
      apiVersion: MYSQL_API_VERSION,
      kind: "MySQLBackup",
      metadata: { name, labels, ...metadata },
      spec: { clusterName: "orders", storageName: "main", ...spec },
    },
  });
}

function setAnnotations(name: string, annotations: Record<string, string | null>) {
  return custom.patchNamespacedCustomObject({
    ...api("mysqlbackups"),
    name,
    body: [{ op: "add", path: "/metadata/annotations", value: annotations }],
  });
}

/** The backup once it has finished; fails if it ever reports Succeeded when `neverSucceeds`. */
function finished(name: string, neverSucceeds = false): Promise<MySQLBackup> {
  return eventually(
    `MySQLBackup ${name} to finish`,
    async () => {
      const backup = await readBackup(name);
      const phase = backup.status?.phase;
      if (neverSucceeds && phase === "Succeeded") throw new Error(`${name} reported Succeeded`);
      return phase === "Succeeded" || phase === "Failed" ? backup : undefined;
    },
    { check: alive, timeoutMs: 60_000 },
  );
}

async function objectExists(key: string): Promise<boolean> {
  return s3.send(new HeadObjectCommand({ Bucket: storage.bucket, Key: key })).then(
    () => true,
    () => false,
  );
}

async function listBackups(labelSelector: string): Promise<MySQLBackup[]> {
  const list = (await custom.listNamespacedCustomObject({
    ...api("mysqlbackups"),
    labelSelector,
  })) as {
    items: unknown[];
  };
  return list.items.map((item) => MySQLBackupSchema.parse(item));
}

function setSchedules(schedules: Record<string, unknown>[]) {
  return custom.patchNamespacedCustomObject({
    ...api("mysqlclusters"),
    name: "orders",
    body: [{ op: "add", path: "/spec/backup/schedules", value: schedules }],
  });
}

/**
 * A finished run of `schedule` as the operator would have left it: created paused (so the
 * operator does not start it), given its finalizer, a Succeeded status and an object and
 * manifest in storage, then resumed.
 */
async function seedSucceededRun(
  name: string,
  schedule: string,
  completedAt: string,
): Promise<void> {
  const key = `backups/${namespace}/orders/${name}.sql.gz`;
  const body = `-- dump of ${name}\n`;
  await createBackup(
    name,
    {
      labels: {
        ...labels,
        "mysql.pilothouse.dev/cluster": "orders",
        "mysql.pilothouse.dev/schedule": schedule,
      },
      annotations: { [RECONCILE_ANNOTATION]: "paused" },
      finalizers: [BACKUP_OBJECT_FINALIZER],
    },
    { scheduleName: schedule },
  );
  for (const object of [key, `${key}.manifest.json`]) {
    await s3.send(new PutObjectCommand({ Bucket: storage.bucket, Key: object, Body: body }));
  }
  const status = {
    phase: "Succeeded",
    startedAt: completedAt,
    completedAt,
    location: { bucket: storage.bucket, key, url: `s3://${storage.bucket}/${key}` },
    sizeBytes: body.length,
    sha256: "0".repeat(64),
  };
  await custom.patchNamespacedCustomObjectStatus({
    ...api("mysqlbackups"),
    name,
    body: [{ op: "add", path: "/status", value: status }],
  });
  await setAnnotations(name, {});
}

beforeAll(async () => {
  const kubeconfigs = platformKubeconfigs();
  admin = kubeConfigFrom(kubeconfigs.admin);
  core = admin.makeApiClient(CoreV1Api);
  custom = admin.makeApiClient(CustomObjectsApi);
  platform = await startBackupPlatform();
  ({ storage, client: s3 } = await createTestBucket(platform, "bk-ctl"));
  await installOperatorManifests(admin);
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  await core.createNamespacedSecret({
    namespace,
    body: {
      metadata: { name: "s3-keys" },
      stringData: {
        accessKeyId: storage.credentials.accessKeyId,
        secretAccessKey: storage.credentials.secretAccessKey,
      },
    },
  });
  await custom.createNamespacedCustomObject({
    ...api("mysqlclusters"),
    body: {
      apiVersion: MYSQL_API_VERSION,
      kind: "MySQLCluster",
      metadata: { name: "orders", labels },
      spec: {
        engine: "mariadb",
        replicas: 1,
        storage: { size: "1Gi" },
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
      },
    },
  });
  operator = await OperatorProcess.start(kubeconfigs.operator, shard);
});

afterAll(async () => {
  await operator?.stop();
  const db = platform ? await connect(platform.database).catch(() => undefined) : undefined;
  if (db) {
    await db.query(`DROP DATABASE IF EXISTS \`${SCHEMA}\``).catch(() => undefined);
    await db.end();
  }
  // The operator is gone: let the namespace's backups go (their objects go with the bucket).
  for (const backup of await listBackups("").catch(() => [])) {
    await custom
      .patchNamespacedCustomObject({
        ...api("mysqlbackups"),
        name: backup.metadata.name,
        body: [{ op: "replace", path: "/metadata/finalizers", value: [] }],
      })
      .catch(() => undefined);
  }
  await core?.deleteNamespace({ name: namespace }).catch(() => undefined);
  if (s3 && storage) await deleteTestBucket(s3, storage.bucket).catch(() => undefined);
});

describe("MySQLBackup controller", () => {
  it("under KWOK (no container ran), ends Failed: no verified backup in storage", async () => {
    await createBackup("kwok-run");
    const backup = await finished("kwok-run", true);
    expect(backup.status?.phase).toBe("Failed");
    expect(backup.status?.error?.code).toBe("NoVerifiedBackup");
    expect(backup.status?.error?.message).toMatch(
      /^Job kwok-run-backup completed but it reported no result, and there is no verified backup in storage: backup s3:\/\/.*\/kwok-run\.sql\.gz not found: there is no manifest/,
    );
    expect(backup.status?.location?.url).toBe(
      `s3://${storage.bucket}/backups/${namespace}/orders/kwok-run.sql.gz`,
    );
    expect(backup.metadata.finalizers).toEqual([BACKUP_OBJECT_FINALIZER]);
    expect(await eventReasons(core, namespace, "kwok-run", ["Started", "Failed"])).toEqual(
      expect.arrayContaining(["Started", "Failed"]),
    );
  });

  it("ends Succeeded when the object the run wrote is in storage and verifies", async () => {
    const db = await connect(platform.database);
    await db.query(`CREATE DATABASE \`${SCHEMA}\`; CREATE TABLE \`${SCHEMA}\`.t (id INT PRIMARY KEY, v TEXT);
      INSERT INTO \`${SCHEMA}\`.t VALUES (1, 'one'), (2, 'two');`);
    await db.end();
    await createBackup("real-run", { annotations: { [RECONCILE_ANNOTATION]: "paused" } });
    const uploaded = await runBackup({
      connection: platform.database,
      storage,
      name: `${namespace}/orders/real-run`,
      databases: [SCHEMA],
    });
    if (uploaded.phase !== "Succeeded")
      throw new Error(`runBackup failed: ${uploaded.error.message}`);
    await setAnnotations("real-run", {});
    const backup = await finished("real-run");
    expect(backup.status).toMatchObject({
      phase: "Succeeded",
      sizeBytes: uploaded.sizeBytes,
      sha256: uploaded.sha256,
      position: uploaded.position,
      location: { bucket: storage.bucket, key: uploaded.key, url: uploaded.url },
    });
    expect(await eventReasons(core, namespace, "real-run", ["Started", "Succeeded"])).toEqual(
      expect.arrayContaining(["Started", "Succeeded"]),
    );
  });

  it("a schedule creates one MySQLBackup per tick, named after the tick and labelled", async () => {
    await setSchedules([{ name: "minutely", cron: "* * * * *", storageName: "main" }]);
    const selector = "mysql.pilothouse.dev/cluster=orders,mysql.pilothouse.dev/schedule=minutely";
    const runs = await eventually(
      "the first scheduled run (at most 70 s)",
      async () => {
        const items = await listBackups(selector);
        return items.length > 0 ? items : undefined;
      },
      { check: alive, timeoutMs: 70_000, intervalMs: 1_000 },
    );
    await setSchedules([]);
    const run = runs[0];
    expect(run?.metadata.name).toMatch(/^orders-minutely-\d{12}$/);
    const stamp = (run?.metadata.name ?? "")
      .slice(-12)
      .replace(/^(....)(..)(..)(..)(..)$/, "$1-$2-$3T$4:$5:00Z");
    expect(Math.abs(Date.now() - Date.parse(stamp))).toBeLessThan(130_000);
    expect(run?.metadata.labels).toMatchObject({ [OPERATOR_SHARD_LABEL]: shard });
    expect(run?.spec).toEqual({
      clusterName: "orders",
      storageName: "main",
      scheduleName: "minutely",
    });
    expect(await eventReasons(core, namespace, "orders", ["BackupScheduled"])).toContain(
      "BackupScheduled",
    );
    // Under KWOK the run itself cannot succeed: it fails like any backup no container took.
    expect((await finished(run?.metadata.name ?? "", true)).status?.error?.code).toBe(
      "NoVerifiedBackup",
    );
  });

  it("retention deletes the old successful runs of a schedule and their objects", async () => {
    const runs = ["2026-01-01T03:00:00Z", "2026-01-02T03:00:00Z", "2026-01-03T03:00:00Z"].map(
      (completedAt, i) => ({ name: `orders-nightly-2026010${i + 1}0300`, completedAt }),
    );
    for (const { name, completedAt } of runs) await seedSucceededRun(name, "nightly", completedAt);
    const keyOf = (name: string) => `backups/${namespace}/orders/${name}.sql.gz`;
    await setSchedules([
      { name: "nightly", cron: "0 3 1 1 *", storageName: "main", retention: { keepLast: 1 } },
    ]);
    for (const { name } of runs.slice(0, 2)) {
      await eventually(
        `${name} and its object to be deleted`,
        async () => {
          const gone = await readBackup(name).then(
            () => false,
            () => true,
          );
          return gone && !(await objectExists(keyOf(name))) ? true : undefined;
        },
        { check: alive },
      );
    }
    const newest = runs[2]?.name ?? "";
    expect((await readBackup(newest)).status?.phase).toBe("Succeeded");
    expect(await objectExists(keyOf(newest))).toBe(true);
    await setSchedules([]);
  });

  it("deleting a backup deletes its object; when it cannot, it says why and keeps waiting", async () => {
    await custom.deleteNamespacedCustomObject({ ...api("mysqlbackups"), name: "real-run" });
    const key = `backups/${namespace}/orders/real-run.sql.gz`;
    await eventually(
      "real-run and its object to be gone",
      async () => {
        const gone = await readBackup("real-run").then(
          () => false,
          () => true,
        );
        return gone && !(await objectExists(key)) && !(await objectExists(`${key}.manifest.json`))
          ? true
          : undefined;
      },
      { check: alive },
    );

    await createBackup("orphan", {}, { clusterName: "ghost" });
    await finished("orphan");
    // A run of a cluster that never existed wrote nothing: it goes at once.
    await custom.deleteNamespacedCustomObject({ ...api("mysqlbackups"), name: "orphan" });
    await eventually("orphan to be gone", () =>
      readBackup("orphan").then(
        () => undefined,
        () => true,
      ),
    );

    await core.deleteNamespacedSecret({ namespace, name: "s3-keys" });
    await custom.deleteNamespacedCustomObject({ ...api("mysqlbackups"), name: "kwok-run" });
    const blocked = await eventually(
      "kwok-run to say why it cannot be deleted",
      async () => {
        const backup = await readBackup("kwok-run");
        return backup.status?.conditions?.find((c) => c.type === "ObjectDeleted");
      },
      { check: alive },
    );
    expect(blocked).toMatchObject({ status: "False", reason: "ObjectDeletionBlocked" });
    expect(blocked.message).toMatch(/Secret .*s3-keys .* does not exist.*remove the finalizer/);
    expect(await eventReasons(core, namespace, "kwok-run", ["DeletionBlocked"])).toContain(
      "DeletionBlocked",
    );
  });
});
