import type { V1Job, V1Pod } from "@kubernetes/client-node";
import { beforeEach, describe, expect, it } from "vitest";
import { BACKUP_OBJECT_FINALIZER } from "@/lib/crds/mysql-backup";
import type { BackupManifest } from "@/server/backup/manifest";
import { mysqlBackupReconciler } from "./controller";
import { FakeBackupApi, FakeStore, SHA, aBackup, aCluster, silentLogger } from "./test-fixtures";

const KEY = "shop/orders-manual";
const JOB = "shop/orders-manual-backup";
const now = new Date("2026-01-01T10:00:30Z");
const location = {
  bucket: "backups",
  key: "prod/shop/orders/orders-manual.sql.gz",
  url: "s3://backups/prod/shop/orders/orders-manual.sql.gz",
};
const position = { binlogFile: "mariadb-bin.000002", binlogPosition: 1234, gtid: "0-1-42" };

let api: FakeBackupApi;
let store: FakeStore;
let reconcile: (key: string) => Promise<unknown>;

function finishJob(state: "Complete" | "Failed", message = ""): void {
  const job = api.jobs.get(JOB) as V1Job;
  job.status = {
    conditions: [
      {
        type: state,
        status: "True",
        reason: state === "Failed" ? "DeadlineExceeded" : "CompletionsReached",
        message,
      },
    ],
  };
}

function podWithMessage(message: string): V1Pod {
  return {
    metadata: { name: "orders-manual-backup-x7k2p", creationTimestamp: new Date(now) },
    status: {
      containerStatuses: [
        {
          name: "backup",
          image: "i",
          imageID: "",
          ready: false,
          restartCount: 0,
          state: { terminated: { exitCode: 0, message } },
        },
      ],
    },
  };
}

const backupResult = {
  operation: "backup",
  phase: "Succeeded",
  startedAt: "2026-01-01T10:00:05.000Z",
  completedAt: "2026-01-01T10:00:20.000Z",
  durationSeconds: 15,
  ...location,
  sizeBytes: 2048,
  sha256: SHA,
  manifestKey: `${location.key}.manifest.json`,
  dumpBytes: 9000,
  engine: "mariadb",
  serverVersion: "10.11.19-MariaDB",
  databases: ["shop"],
  position,
};

/** Reconciles until the backup is Running (finalizer first, then the Job). */
async function startRun(): Promise<void> {
  await reconcile(KEY);
  expect(api.backup("orders-manual").metadata.finalizers).toEqual([BACKUP_OBJECT_FINALIZER]);
  await reconcile(KEY);
}

beforeEach(() => {
  api = new FakeBackupApi();
  store = new FakeStore();
  api.put(aCluster());
  api.put(aBackup());
  reconcile = mysqlBackupReconciler({
    api,
    store,
    job: { image: "img", workingDir: "/app", activeDeadlineSeconds: 60 },
    logger: silentLogger,
    now: () => now,
  });
});

describe("MySQLBackup reconcile", () => {
  it("adds its finalizer, creates the Job, and says Running with the object's location", async () => {
    await startRun();
    expect(api.jobs.has(JOB)).toBe(true);
    const status = api.backup("orders-manual").status;
    expect(status).toMatchObject({
      phase: "Running",
      jobName: "orders-manual-backup",
      location,
      startedAt: "2026-01-01T10:00:30Z",
    });
    expect(api.events.map((e) => e.reason)).toEqual(["Started"]);
  });

  it("succeeds only after verifying the object the Job reported", async () => {
    await startRun();
    finishJob("Complete");
    api.pods = [podWithMessage(JSON.stringify(backupResult))];
    store.verifyAnswer = {
      operation: "verify",
      phase: "Succeeded",
      startedAt: "2026-01-01T10:00:30.000Z",
      completedAt: "2026-01-01T10:00:30.000Z",
      durationSeconds: 0,
      ...location,
      sizeBytes: 2048,
      sha256: SHA,
    };
    await reconcile(KEY);
    expect(store.calls.map((c) => [c.op, c.name])).toEqual([
      ["verify", "shop/orders/orders-manual"],
    ]);
    expect(store.calls[0]?.storage.credentials).toEqual({
      accessKeyId: "AK",
      secretAccessKey: "SK",
    });
    const status = api.backup("orders-manual").status;
    expect(status).toMatchObject({
      phase: "Succeeded",
      sizeBytes: 2048,
      sha256: SHA,
      position,
      location,
      completedAt: "2026-01-01T10:00:30Z",
    });
    expect(status?.conditions?.find((c) => c.type === "Ready")).toMatchObject({
      status: "True",
      reason: "BackupVerified",
    });
    expect(api.events.at(-1)).toMatchObject({ type: "Normal", reason: "Succeeded" });
  });

  it("fails when the reported object does not verify, with the verification's code", async () => {
    await startRun();
    finishJob("Complete");
    api.pods = [podWithMessage(JSON.stringify(backupResult))];
    await reconcile(KEY);
    const status = api.backup("orders-manual").status;
    expect(status?.phase).toBe("Failed");
    expect(status?.error).toEqual({
      code: "NotFound",
      message: `Job orders-manual-backup reported ${location.url}, but the operator could not verify it: backup object not found (NoSuchKey)`,
    });
    expect(api.events.at(-1)).toMatchObject({ type: "Warning", reason: "Failed" });
  });

  it("fails with no verified backup in storage when the Job completed without a result (KWOK)", async () => {
    await startRun();
    finishJob("Complete");
    await reconcile(KEY);
    const status = api.backup("orders-manual").status;
    expect(status?.phase).toBe("Failed");
    expect(status?.error?.code).toBe("NoVerifiedBackup");
    expect(status?.error?.message).toMatch(
      /^Job orders-manual-backup completed but it reported no result, and there is no verified backup in storage: backup shop\/orders\/orders-manual not found/,
    );
    expect(status?.conditions?.find((c) => c.type === "Ready")).toMatchObject({
      status: "False",
      reason: "NoVerifiedBackup",
    });
  });

  it("without a result, verifies the manifest in storage when it belongs to this run", async () => {
    await startRun();
    finishJob("Complete");
    const manifest = {
      ...backupResult,
      kind: "pilothouse.dev/mysql-logical-backup",
      formatVersion: 1,
      compression: "gzip",
    } as unknown as BackupManifest;
    store.manifest = manifest;
    store.verifyAnswer = {
      operation: "verify",
      phase: "Succeeded",
      startedAt: "x",
      completedAt: "x",
      durationSeconds: 0,
      ...location,
      sizeBytes: 2048,
      sha256: SHA,
    };
    await reconcile(KEY);
    expect(api.backup("orders-manual").status).toMatchObject({ phase: "Succeeded", position });
  });

  it("refuses a manifest older than the MySQLBackup: it belongs to an earlier run", async () => {
    await startRun();
    finishJob("Complete");
    store.manifest = {
      ...backupResult,
      startedAt: "2025-12-31T09:00:00.000Z",
    } as unknown as BackupManifest;
    await reconcile(KEY);
    expect(api.backup("orders-manual").status?.error?.message).toMatch(/belongs to an earlier run/);
    expect(store.calls.map((c) => c.op)).toEqual(["readManifest"]);
  });

  it("copies the Job's own error when the backup command failed", async () => {
    await startRun();
    finishJob("Failed", "Job has reached the specified backoff limit");
    const failed = {
      operation: "backup",
      phase: "Failed",
      startedAt: backupResult.startedAt,
      completedAt: backupResult.completedAt,
      durationSeconds: 1,
      error: { code: "AuthFailed", message: "S3 rejected the signature" },
    };
    api.pods = [podWithMessage(JSON.stringify(failed))];
    await reconcile(KEY);
    expect(api.backup("orders-manual").status?.error).toEqual({
      code: "AuthFailed",
      message: "S3 rejected the signature",
    });
  });

  it("fails a Job that failed without a result, with the Job's reason", async () => {
    await startRun();
    finishJob("Failed", "Job was active longer than specified deadline");
    await reconcile(KEY);
    expect(api.backup("orders-manual").status?.error).toEqual({
      code: "JobFailed",
      message:
        "Job orders-manual-backup failed (DeadlineExceeded: Job was active longer than specified deadline) and it reported no result",
    });
  });

  it("keeps waiting while the Job runs, and never rewrites a finished run", async () => {
    await startRun();
    expect(await reconcile(KEY)).toEqual({ requeueAfterMs: 30_000 });
    finishJob("Complete");
    await reconcile(KEY);
    const finished = api.backup("orders-manual");
    await reconcile(KEY);
    expect(api.backup("orders-manual")).toEqual(finished);
  });

  it.each([
    ["the cluster does not exist", () => api.clusters.clear(), "ClusterNotFound"],
    [
      "the storage is not in the cluster's spec",
      () => api.put(aCluster({ backup: { storages: [] } })),
      "StorageNotFound",
    ],
    ["the credentials Secret is missing", () => api.secrets.clear(), "CredentialsNotFound"],
    ["the cluster is stopped", () => api.put(aCluster({ stopped: true })), "ClusterStopped"],
  ])("fails at once when %s, creating no Job", async (_what, breakIt, code) => {
    breakIt();
    await reconcile(KEY);
    expect(api.backup("orders-manual").status?.error?.code).toBe(code);
    expect(api.jobs.size).toBe(0);
  });

  it("does nothing but say Paused while paused, then resumes", async () => {
    api.put(
      aBackup({
        metadata: { ...aBackup().metadata, annotations: { "pilothouse.dev/reconcile": "paused" } },
      }),
    );
    await reconcile(KEY);
    expect(api.jobs.size).toBe(0);
    expect(api.backup("orders-manual").status?.conditions?.[0]).toMatchObject({
      type: "Paused",
      status: "True",
    });
    api.put(aBackup({ metadata: aBackup().metadata, status: api.backup("orders-manual").status }));
    await reconcile(KEY);
    await startRun();
    expect(api.backup("orders-manual").status?.phase).toBe("Running");
  });

  it("re-reads and retries after a status conflict", async () => {
    await reconcile(KEY);
    api.conflictOnNextStatus = true;
    expect(await reconcile(KEY)).toEqual({ requeueAfterMs: 250 });
    await reconcile(KEY);
    expect(api.backup("orders-manual").status?.phase).toBe("Running");
  });
});
