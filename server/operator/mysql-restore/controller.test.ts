import type { V1Job, V1Pod } from "@kubernetes/client-node";
import { pino } from "pino";
import { beforeEach, describe, expect, it } from "vitest";
import { OPERATOR_SHARD_LABEL } from "@/lib/crds/common";
import {
  RESTORE_FINALIZER,
  RESTORE_IN_PROGRESS_ANNOTATION,
  RESTORE_LABEL,
} from "@/lib/crds/mysql-restore";
import { aBackup } from "../mysql-backup/test-fixtures";
import { mysqlRestoreReconciler } from "./controller";
import {
  FakePrimaryWrites,
  FakeRestoreApi,
  FakeRestoreMetrics,
  SHA,
  aReadyCluster,
  aRestore,
  aSucceededBackup,
} from "./test-fixtures";

const KEY = "shop/restore-1";
const JOB = "shop/restore-1-restore";
const now = new Date("2026-01-02T08:00:00Z");

let api: FakeRestoreApi;
let writes: FakePrimaryWrites;
let metrics: FakeRestoreMetrics;
let reconcile: (key: string) => Promise<unknown>;

function finishJob(state: "Complete" | "Failed", report?: object): void {
  const job = api.jobs.get(JOB) as V1Job;
  job.status = {
    conditions: [
      {
        type: state,
        status: "True",
        reason: state === "Failed" ? "BackoffLimitExceeded" : "CompletionsReached",
        message: "",
      },
    ],
  };
  if (!report) return;
  const pod: V1Pod = {
    metadata: { name: "restore-1-restore-abcde", creationTimestamp: now },
    status: {
      containerStatuses: [
        {
          name: "restore",
          image: "i",
          imageID: "",
          ready: false,
          restartCount: 0,
          state: {
            terminated: { exitCode: state === "Complete" ? 0 : 1, message: JSON.stringify(report) },
          },
        },
      ],
    },
  };
  api.pods = [pod];
}

const times = {
  startedAt: "2026-01-02T08:00:01.000Z",
  completedAt: "2026-01-02T08:00:09.000Z",
  durationSeconds: 8,
};

function failure(code: string, message: string) {
  return { operation: "restore", phase: "Failed", ...times, error: { code, message } };
}

beforeEach(() => {
  api = new FakeRestoreApi();
  writes = new FakePrimaryWrites();
  metrics = new FakeRestoreMetrics();
  api.put(aSucceededBackup());
  api.put(aReadyCluster());
  reconcile = mysqlRestoreReconciler({
    api,
    writes,
    metrics,
    job: { image: "pilothouse:test", workingDir: "/app", activeDeadlineSeconds: 3600 },
    databaseChecks: true,
    logger: pino({ level: "silent" }),
    now: () => now,
  });
});

describe("MySQLRestore refusals", () => {
  it("waits, Pending, while the backup is still Running, saying so with the field", async () => {
    api.put(aBackup({ status: { phase: "Running" } }));
    api.put(aRestore());
    expect(await reconcile(KEY)).toEqual({ requeueAfterMs: 5_000 });
    const restore = api.restore();
    expect(restore.status?.phase).toBe("Pending");
    const ready = restore.status?.conditions?.find((c) => c.type === "Ready");
    expect(ready).toMatchObject({ status: "False", reason: "WaitingForBackup" });
    expect(ready?.message).toMatch(/^spec\.backupName: MySQLBackup shop\/orders-manual is Running/);
    expect(api.events).toEqual([
      expect.objectContaining({ type: "Warning", reason: "WaitingForBackup" }),
    ]);
    expect(api.annotation()).toBeUndefined();
  });

  it.each([
    [
      "a missing backup",
      () => api.objects.clear(),
      "BackupNotFound",
      /spec\.backupName: .* does not exist/,
    ],
    [
      "a Failed backup",
      () =>
        api.put(
          aBackup({ status: { phase: "Failed", error: { code: "DumpFailed", message: "x" } } }),
        ),
      "BackupNotSucceeded",
      /spec\.backupName: .* is Failed \(DumpFailed: x\)/,
    ],
    [
      "a Succeeded backup that records no checksum",
      () => api.put(aBackup({ status: { phase: "Succeeded", sizeBytes: 10 } })),
      "BackupNotVerifiable",
      /spec\.backupName: .* is Succeeded but records no size or sha256/,
    ],
    [
      "a stopped cluster",
      () =>
        api.put(
          Object.assign(aReadyCluster(), { spec: { ...aReadyCluster().spec, stopped: true } }),
        ),
      "ClusterStopped",
      /spec\.target\.clusterName: MySQLCluster orders is stopped/,
    ],
    [
      "another engine",
      () => {
        api.put(aReadyCluster("other", "mysql"));
        api.put(aRestore("restore-1", { clusterName: "other" }));
      },
      "EngineMismatch",
      /clusterName: MySQLCluster other runs mysql but MySQLBackup orders-manual is a mariadb backup/,
    ],
  ])("ends Failed for %s, with the reason and an Event", async (_, arrange, code, message) => {
    api.put(aRestore());
    arrange();
    if (!api.raw("MySQLRestore", "restore-1")) api.put(aRestore());
    await reconcile(KEY);
    const restore = api.restore();
    expect(restore.status?.phase).toBe("Failed");
    expect(restore.status?.error?.code).toBe(code);
    expect(restore.status?.error?.message).toMatch(message);
    expect(restore.status?.conditions?.find((c) => c.type === "Ready")?.reason).toBe(code);
    expect(api.events).toEqual([expect.objectContaining({ type: "Warning", reason: "Failed" })]);
    expect(api.jobs.size).toBe(0);
    expect(metrics.counts.failed).toBe(1);
  });

  it("refuses a second restore into a cluster while another one is Running", async () => {
    api.put(aRestore());
    await reconcile(KEY);
    await reconcile(KEY);
    expect(api.restore().status?.phase).toBe("Running");
    api.put(aRestore("restore-2"));
    await reconcile("shop/restore-2");
    const second = api.restore("restore-2");
    expect(second.status?.error).toMatchObject({ code: "RestoreInProgress" });
    expect(second.status?.error?.message).toMatch(/MySQLRestore restore-1 is already restoring/);
    expect(api.annotation()).toBe("restore-1");
  });
});

describe("MySQLRestore into an existing cluster", () => {
  async function untilJob() {
    api.put(aRestore());
    for (let i = 0; i < 4; i++) await reconcile(KEY);
  }

  it("marks the cluster busy, stops writes, then runs the Job against the primary", async () => {
    api.put(aRestore());
    expect(await reconcile(KEY)).toEqual({ requeueAfterMs: 250 });
    expect(api.restore().metadata.finalizers).toEqual([RESTORE_FINALIZER]);
    expect(api.annotation()).toBeUndefined();
    await reconcile(KEY);
    expect(api.annotation()).toBe("restore-1");
    expect(api.restore().status).toMatchObject({
      phase: "Running",
      startedAt: "2026-01-02T08:00:00Z",
      progress: { bytesTotal: 2048, bytesApplied: 0 },
    });
    expect(writes.runs).toEqual([]);
    await reconcile(KEY);
    expect(writes.runs).toEqual([{ cluster: "orders", sql: ["SET GLOBAL read_only = ON"] }]);
    expect(api.jobs.size).toBe(0);
    // Writes stopped and recorded: the Job follows even if the cluster is no longer Ready.
    const notReady = aReadyCluster();
    notReady.status = { ...notReady.status, conditions: [] };
    notReady.metadata.annotations = { [RESTORE_IN_PROGRESS_ANNOTATION]: "restore-1" };
    api.put(notReady);
    await reconcile(KEY);
    expect(writes.runs).toHaveLength(1);
    const job = api.jobs.get(JOB);
    const command = job?.spec?.template.spec?.containers[0]?.command ?? [];
    expect(command.slice(-7)).toEqual([
      "restore",
      "--name",
      "shop/orders/orders-manual",
      "--expected-size",
      "2048",
      "--expected-sha256",
      SHA,
    ]);
    const status = api.restore().status;
    expect(status?.jobName).toBe("restore-1-restore");
    expect(status?.conditions?.find((c) => c.type === "WritesStopped")).toMatchObject({
      status: "True",
    });
    expect(api.events.map((e) => e.reason)).toEqual([
      "StoppingWrites",
      "WritesStopped",
      "Restoring",
    ]);
    expect(await reconcile(KEY)).toEqual({ requeueAfterMs: 30_000 });
  });

  it("on success: writes back on, annotation removed, Succeeded with the bytes applied", async () => {
    await untilJob();
    finishJob("Complete", {
      operation: "restore",
      phase: "Succeeded",
      ...times,
      bucket: "backups",
      key: "k",
      url: "s3://backups/k",
      sizeBytes: 2048,
      sha256: SHA,
      bytesApplied: 2048,
    });
    await reconcile(KEY);
    expect(writes.runs.at(-1)).toEqual({ cluster: "orders", sql: ["SET GLOBAL read_only = OFF"] });
    expect(api.annotation()).toBeUndefined();
    const status = api.restore().status;
    expect(status).toMatchObject({
      phase: "Succeeded",
      completedAt: "2026-01-02T08:00:00Z",
      progress: { bytesTotal: 2048, bytesApplied: 2048 },
    });
    expect(status?.conditions?.find((c) => c.type === "WritesStopped")).toMatchObject({
      status: "False",
      reason: "WritesReopened",
    });
    expect(api.events.map((e) => e.reason)).toContain("Restored");
    expect(metrics.counts).toEqual({ succeeded: 1, failed: 0 });
    // Finished: the finalizer goes, then the run is never touched again.
    await reconcile(KEY);
    expect(api.restore().metadata.finalizers).toEqual([]);
    const before = api.raw("MySQLRestore", "restore-1");
    expect(await reconcile(KEY)).toBeUndefined();
    expect(api.raw("MySQLRestore", "restore-1")).toEqual(before);
  });

  it("a failure while applying leaves writes stopped and says the data may be partial", async () => {
    await untilJob();
    finishJob("Failed", failure("RestoreFailed", "mariadb exited with code 1"));
    await reconcile(KEY);
    expect(writes.runs).toHaveLength(1);
    expect(api.annotation()).toBe("restore-1");
    const status = api.restore().status;
    expect(status?.phase).toBe("Failed");
    expect(status?.error).toEqual({
      code: "RestoreFailed",
      message:
        "mariadb exited with code 1. The data may be partly restored: MySQLCluster orders stays read-only (pilothouse.dev/restore-in-progress=restore-1) until a new MySQLRestore into it succeeds or the annotation is removed deliberately.",
    });
    expect(status?.conditions?.find((c) => c.type === "WritesStopped")).toMatchObject({
      status: "True",
      reason: "DataMayBePartial",
    });
    expect(metrics.counts.failed).toBe(1);
  });

  it("a failure before anything was applied re-opens writes: no data changed", async () => {
    await untilJob();
    finishJob("Failed", failure("NotFound", "backup object not found"));
    await reconcile(KEY);
    expect(writes.runs.at(-1)?.sql).toEqual(["SET GLOBAL read_only = OFF"]);
    expect(api.restore().status?.error?.message).toMatch(/No data was changed\.$/);
    expect(api.annotation()).toBeUndefined();
  });

  it("a Job that failed without a report leaves writes stopped", async () => {
    await untilJob();
    finishJob("Failed");
    await reconcile(KEY);
    expect(writes.runs).toHaveLength(1);
    expect(api.restore().status?.error?.code).toBe("JobFailed");
  });

  it("deleting a running restore removes the annotation, then the finalizer", async () => {
    await untilJob();
    const raw = api.raw("MySQLRestore", "restore-1");
    Object.assign(raw?.metadata ?? {}, { deletionTimestamp: "2026-01-02T08:01:00Z" });
    await reconcile(KEY);
    expect(api.annotation()).toBeUndefined();
    expect(api.raw("MySQLRestore", "restore-1")).toBeUndefined();
  });

  it("a 409 on the status is re-read later, with no Event", async () => {
    api.put(aRestore());
    await reconcile(KEY);
    api.conflictOnNextStatus = true;
    expect(await reconcile(KEY)).toEqual({ requeueAfterMs: 250 });
    expect(api.events).toEqual([]);
    await reconcile(KEY);
    expect(api.restore().status?.phase).toBe("Running");
  });
});

describe("MySQLRestore into a new cluster", () => {
  const target = {
    newCluster: { name: "copy", spec: aReadyCluster().spec },
  };

  it("creates the cluster (not owned, labelled, annotated), waits for it, then restores", async () => {
    const restore = aRestore("restore-1", target);
    restore.metadata.labels = { [OPERATOR_SHARD_LABEL]: "s1" };
    api.put(restore);
    reconcile = mysqlRestoreReconciler({
      api,
      writes,
      job: { image: "i", workingDir: "/app", activeDeadlineSeconds: 60 },
      databaseChecks: true,
      logger: pino({ level: "silent" }),
      now: () => now,
      shard: "s1",
    });
    await reconcile(KEY);
    await reconcile(KEY);
    const created = api.raw("MySQLCluster", "copy");
    expect(created?.metadata).toMatchObject({
      labels: { [RESTORE_LABEL]: "restore-1", [OPERATOR_SHARD_LABEL]: "s1" },
      annotations: { [RESTORE_IN_PROGRESS_ANNOTATION]: "restore-1" },
    });
    expect(created?.metadata).not.toHaveProperty("ownerReferences");
    expect(api.restore().status?.conditions?.find((c) => c.type === "Progressing")?.reason).toBe(
      "CreatingCluster",
    );
    expect(await reconcile(KEY)).toEqual({ requeueAfterMs: 5_000 });
    expect(api.jobs.size).toBe(0);
    const ready = aReadyCluster("copy");
    ready.metadata.labels = { [RESTORE_LABEL]: "restore-1" };
    ready.metadata.annotations = { [RESTORE_IN_PROGRESS_ANNOTATION]: "restore-1" };
    api.put(ready);
    await reconcile(KEY);
    expect(writes.runs).toEqual([{ cluster: "copy", sql: ["SET GLOBAL read_only = ON"] }]);
    await reconcile(KEY);
    const env = api.jobs.get(JOB)?.spec?.template.spec?.containers[0]?.env ?? [];
    expect(env.find((e) => e.name === "PILOTHOUSE_BACKUP_DB_HOST")?.value).toBe(
      "copy-primary.shop.svc",
    );
    finishJob("Complete");
    await reconcile(KEY);
    expect(api.restore().status?.phase).toBe("Succeeded");
    expect(api.annotation("copy")).toBeUndefined();
  });

  it("refuses a name taken by a cluster it did not create", async () => {
    api.put(aReadyCluster("copy"));
    api.put(aRestore("restore-1", target));
    await reconcile(KEY);
    expect(api.restore().status?.error?.code).toBe("ClusterExists");
  });
});
