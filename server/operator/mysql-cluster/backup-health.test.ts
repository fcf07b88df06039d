import { describe, expect, it } from "vitest";
import { MySQLBackupSchema, type MySQLBackup } from "@/lib/crds/mysql-backup";
import type { MySQLClusterSpecInput } from "@/lib/crds/mysql-cluster";
import { backupHealth, backupsOf, cronIntervalSeconds } from "./backup-health";
import { harness } from "./fake-cluster-api";
import { aCluster } from "./test-fixtures";

const now = new Date("2026-03-01T12:00:00Z");
const storage = {
  name: "main",
  s3: { bucket: "backups", credentialsSecretRef: { name: "keys" } },
};
const nightly = { name: "nightly", cron: "0 2 * * *", storageName: "main" };

function cluster(spec: Partial<MySQLClusterSpecInput> = {}, created = "2026-02-01T00:00:00Z") {
  return aCluster(spec, { creationTimestamp: created });
}

function backup(
  name: string,
  phase: "Running" | "Succeeded" | "Failed",
  completedAt?: string,
  clusterName = "orders",
): MySQLBackup {
  return MySQLBackupSchema.parse({
    apiVersion: "mysql.pilothouse.dev/v1alpha1",
    kind: "MySQLBackup",
    metadata: { name, namespace: "shop" },
    spec: { clusterName, storageName: "main" },
    status: {
      phase,
      ...(completedAt ? { completedAt } : {}),
      ...(phase === "Failed" ? { error: { code: "JobFailed", message: "the dump failed" } } : {}),
    },
  });
}

describe("backup health", () => {
  it("derives the expected interval from the most frequent active schedule", () => {
    expect(cronIntervalSeconds("0 2 * * *", now)).toBe(86_400);
    expect(cronIntervalSeconds("*/15 * * * *", now)).toBe(900);
    const health = backupHealth(
      cluster({
        backup: {
          storages: [storage],
          schedules: [
            nightly,
            { name: "hourly", cron: "0 * * * *", storageName: "main", suspend: true },
            { name: "six", cron: "0 */6 * * *", storageName: "main" },
          ],
        },
      }),
      [],
      now,
    );
    expect(health.expectedIntervalSeconds).toBe(21_600);
  });

  it("is True when the last backup succeeded within two intervals, naming it", () => {
    const health = backupHealth(
      cluster({ backup: { storages: [storage], schedules: [nightly] } }),
      [
        backup("old-fail", "Failed", "2026-02-27T02:05:00Z"),
        backup("latest", "Succeeded", "2026-03-01T02:05:00Z"),
        backup("older", "Succeeded", "2026-02-28T02:05:00Z"),
        backup("other-cluster", "Succeeded", "2026-03-01T11:00:00Z", "billing"),
      ],
      now,
    );
    expect(health.lastSuccessfulBackup).toEqual({
      name: "latest",
      completedAt: "2026-03-01T02:05:00Z",
    });
    expect(health.lastFailedBackup).toEqual({
      name: "old-fail",
      completedAt: "2026-02-27T02:05:00Z",
    });
    expect(health.lastBackupFailed).toBe(false);
    expect(health.condition).toMatchObject({ status: "True", reason: "BackupSucceeded" });
    expect(health.condition.message).toContain("schedule nightly expects one every 1d");
  });

  it("is False with BackupFailed when the newest finished backup failed", () => {
    const health = backupHealth(
      cluster({ backup: { storages: [storage], schedules: [nightly] } }),
      [
        backup("good", "Succeeded", "2026-02-28T02:05:00Z"),
        backup("bad", "Failed", "2026-03-01T02:01:00Z"),
        backup("now", "Running"),
      ],
      now,
    );
    expect(health.lastBackupFailed).toBe(true);
    expect(health.running).toEqual(["now"]);
    expect(health.condition).toMatchObject({ status: "False", reason: "BackupFailed" });
    expect(health.condition.message).toContain("MySQLBackup bad, failed");
    expect(health.condition.message).toContain("JobFailed: the dump failed");
  });

  it("breaks a tie of completion seconds by creation, and counts a full tie as a failure", () => {
    const at = "2026-03-01T02:05:00Z";
    const created = (b: MySQLBackup, creationTimestamp: string) => ({
      ...b,
      metadata: { ...b.metadata, creationTimestamp },
    });
    const spec = cluster({ backup: { storages: [storage], schedules: [nightly] } });
    const good = created(backup("good", "Succeeded", at), "2026-03-01T02:00:00Z");
    const earlierBad = created(backup("bad", "Failed", at), "2026-03-01T01:59:00Z");
    expect(backupHealth(spec, [good, earlierBad], now).lastBackupFailed).toBe(false);
    const sameBad = created(backup("bad", "Failed", at), "2026-03-01T02:00:00Z");
    expect(backupHealth(spec, [good, sameBad], now).condition.reason).toBe("BackupFailed");
  });

  it("is False with NoRecentBackup when the last success is older than two intervals", () => {
    const health = backupHealth(
      cluster({ backup: { storages: [storage], schedules: [nightly] } }),
      [backup("stale", "Succeeded", "2026-02-27T02:05:00Z")],
      now,
    );
    expect(health.condition).toMatchObject({ status: "False", reason: "NoRecentBackup" });
  });

  it("waits for the first backup of a young cluster, and complains about an old one without any", () => {
    const spec = { backup: { storages: [storage], schedules: [nightly] } };
    const young = backupHealth(cluster(spec, "2026-03-01T08:00:00Z"), [], now);
    expect(young.condition).toMatchObject({ status: "Unknown", reason: "AwaitingFirstBackup" });
    const old = backupHealth(cluster(spec), [], now);
    expect(old.condition).toMatchObject({ status: "False", reason: "NoRecentBackup" });
    expect(old.condition.message).toContain("No backup has succeeded yet");
  });

  it("is Unknown without schedules or backups, and while the cluster is stopped", () => {
    expect(backupHealth(cluster(), [], now).condition).toMatchObject({
      status: "Unknown",
      reason: "NoBackupConfigured",
    });
    const onDemand = backupHealth(
      cluster(),
      [backup("once", "Succeeded", "2026-01-01T00:00:00Z")],
      now,
    );
    expect(onDemand.condition).toMatchObject({ status: "True", reason: "BackupSucceeded" });
    const stopped = cluster({
      stopped: true,
      backup: { storages: [storage], schedules: [nightly] },
    });
    expect(backupHealth(stopped, [], now).condition).toMatchObject({
      status: "Unknown",
      reason: "ClusterStopped",
    });
  });

  it("picks the cluster's backups out of a namespace's, skipping what does not parse", () => {
    const stored = [
      backup("a", "Running"),
      backup("b", "Running", undefined, "billing"),
      { bad: 1 },
    ];
    expect(backupsOf(cluster(), stored).map((b) => b.metadata.name)).toEqual(["a"]);
  });

  it("the reconcile writes lastSuccessfulBackup, lastFailedBackup and BackupHealthy, with a Warning on failure", async () => {
    const { api, reconcile } = harness(
      cluster({ backup: { storages: [storage], schedules: [nightly] } }),
    );
    api.backups.set("good", backup("good", "Succeeded", "2026-03-01T02:05:00Z"));
    await reconcile();
    expect(api.status).toMatchObject({
      lastSuccessfulBackup: { name: "good", completedAt: "2026-03-01T02:05:00Z" },
    });
    expect(api.condition("BackupHealthy")).toMatchObject({ status: "True" });
    api.backups.set("bad", backup("bad", "Failed", "2026-03-01T03:00:00Z"));
    await reconcile();
    expect(api.status).toMatchObject({
      lastFailedBackup: { name: "bad", completedAt: "2026-03-01T03:00:00Z" },
    });
    expect(api.condition("BackupHealthy")).toMatchObject({
      status: "False",
      reason: "BackupFailed",
    });
    expect(api.events.filter((e) => e.reason === "BackupFailed")).toHaveLength(1);
  });
});
