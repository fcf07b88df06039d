/**
 * What a MySQLCluster makes of its MySQLBackups, against the real control plane (KWOK nodes) with
 * the operator process as shipped (its own ServiceAccount, a test shard, database checks off):
 * backup health in status, conditions, Events and /metrics, and a stop that waits for a running
 * backup or restore. KWOK runs no backup container, so runs in a given phase are recorded by the
 * test on backups it holds paused; a failing run is a real one (its storage has no credentials).
 *
 * Needs the local platform: `./pilothouse up`, then `source "$(./pilothouse env)"`.
 */
import { randomBytes } from "node:crypto";
import type { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPERATOR_SHARD_LABEL } from "@/lib/crds/common";
import { MYSQL_API_VERSION, type MySQLCluster } from "@/lib/crds/mysql-cluster";
import { RESTORE_IN_PROGRESS_ANNOTATION } from "@/lib/crds/mysql-restore";
import { eventually } from "./support/eventually";
import {
  installOperatorManifests,
  kubeConfigFrom,
  platformKubeconfigs,
} from "./support/kube-admin";
import { conditionOf } from "./support/mysql-cluster-api";
import { UNUSABLE_STORAGE, lifecycleFixtures } from "./support/mysql-cluster-lifecycle";
import { OperatorProcess } from "./support/operator-process";

const suffix = randomBytes(3).toString("hex");
const namespace = `mysqlc-bkh-${suffix}`;
const shard = `it-bkh-${suffix}`;

let admin: KubeConfig;
let operator: OperatorProcess | undefined;
let f: ReturnType<typeof lifecycleFixtures>;
const alive = () => operator?.assertRunning();

/** The cluster once `accept` says yes. */
function clusterWhen(name: string, what: string, accept: (cluster: MySQLCluster) => boolean) {
  return eventually(
    `${name}: ${what}`,
    async () => {
      const cluster = await f.api.read(name);
      return accept(cluster) ? cluster : undefined;
    },
    { check: alive },
  );
}

/** The value of one series of the operator's /metrics for this namespace's `cluster`. */
async function metric(name: string, cluster: string): Promise<number | undefined> {
  const text = await (
    await fetch(`http://127.0.0.1:${operator?.metricsPort() ?? 0}/metrics`)
  ).text();
  const line = text
    .split("\n")
    .find((l) => l.startsWith(`${name}{namespace="${namespace}",cluster="${cluster}"}`));
  return line === undefined ? undefined : Number(line.split(" ").at(-1));
}

beforeAll(async () => {
  const kubeconfigs = platformKubeconfigs();
  admin = kubeConfigFrom(kubeconfigs.admin);
  f = lifecycleFixtures(admin, namespace, shard, alive);
  await installOperatorManifests(admin);
  await f.api.core.createNamespace({ body: { metadata: { name: namespace } } });
  operator = await OperatorProcess.start(kubeconfigs.operator, shard, {
    env: { PILOTHOUSE_OPERATOR_DATABASE_CHECKS: "disabled" },
  });
});

afterAll(async () => {
  await operator?.stop();
  if (admin) await OperatorProcess.removeLease(admin, shard);
  await f?.releaseAll();
  await f?.api.core.deleteNamespace({ name: namespace }).catch(() => undefined);
});

describe("MySQLCluster backup health", () => {
  it("Unknown without schedules or backups; True after a successful one; False after a failed one", async () => {
    await f.runningCluster("health", { backup: { storages: [UNUSABLE_STORAGE] } });
    const none = await clusterWhen("health", "BackupHealthy", (c) =>
      Boolean(conditionOf(c, "BackupHealthy")),
    );
    expect(conditionOf(none, "BackupHealthy")).toMatchObject({
      status: "Unknown",
      reason: "NoBackupConfigured",
    });

    await f.heldBackup("health-good", "health");
    await f.recordBackup("health-good", "health", "Succeeded");
    await f.releaseBackup("health-good");
    const good = await clusterWhen("health", "lastSuccessfulBackup", (c) =>
      Boolean(c.status?.lastSuccessfulBackup),
    );
    expect(good.status?.lastSuccessfulBackup?.name).toBe("health-good");
    expect(conditionOf(good, "BackupHealthy")).toMatchObject({
      status: "True",
      reason: "BackupSucceeded",
    });
    expect(await metric("pilothouse_mysql_cluster_last_backup_failed", "health")).toBe(0);
    const since = await metric(
      "pilothouse_mysql_cluster_seconds_since_last_successful_backup",
      "health",
    );
    expect(since).toBeGreaterThanOrEqual(0);
    expect(since).toBeLessThan(120);

    // A real run that fails: the storage's credentials Secret does not exist.
    await f.custom.createNamespacedCustomObject({
      ...f.crd("mysqlbackups"),
      body: {
        apiVersion: MYSQL_API_VERSION,
        kind: "MySQLBackup",
        metadata: { name: "health-bad", labels: { [OPERATOR_SHARD_LABEL]: shard } },
        spec: { clusterName: "health", storageName: "main" },
      },
    });
    const bad = await clusterWhen("health", "lastFailedBackup", (c) =>
      Boolean(c.status?.lastFailedBackup),
    );
    expect(bad.status?.lastFailedBackup?.name).toBe("health-bad");
    expect(bad.status?.lastSuccessfulBackup?.name).toBe("health-good");
    const condition = conditionOf(bad, "BackupHealthy");
    expect(condition).toMatchObject({ status: "False", reason: "BackupFailed" });
    expect(condition?.message).toContain("MySQLBackup health-bad, failed");
    expect(condition?.message).toContain("CredentialsNotFound");
    expect((await f.event("health", "BackupFailed")).type).toBe("Warning");
    expect(await metric("pilothouse_mysql_cluster_last_backup_failed", "health")).toBe(1);
  });

  it("a schedule sets the expected interval and awaits the first run; suspending it clears both", async () => {
    await f.runningCluster("overdue", {
      backup: {
        storages: [UNUSABLE_STORAGE],
        schedules: [{ name: "yearly", cron: "0 0 1 1 *", storageName: "main", suspend: false }],
      },
    });
    const cluster = await clusterWhen("overdue", "BackupHealthy", (c) =>
      Boolean(conditionOf(c, "BackupHealthy")),
    );
    // Created minutes ago, and the yearly schedule's next run is months away.
    expect(conditionOf(cluster, "BackupHealthy")).toMatchObject({
      status: "Unknown",
      reason: "AwaitingFirstBackup",
    });
    const interval = await metric(
      "pilothouse_mysql_cluster_backup_expected_interval_seconds",
      "overdue",
    );
    expect([365 * 86_400, 366 * 86_400]).toContain(interval);
    await f.api.patchSpec("overdue", {
      backup: {
        storages: [UNUSABLE_STORAGE],
        schedules: [{ name: "yearly", cron: "0 0 1 1 *", storageName: "main", suspend: true }],
      },
    });
    const suspended = await clusterWhen(
      "overdue",
      "no active schedule",
      (c) => conditionOf(c, "BackupHealthy")?.reason === "NoBackupConfigured",
    );
    expect(
      await metric("pilothouse_mysql_cluster_backup_expected_interval_seconds", "overdue"),
    ).toBeUndefined();
    expect(suspended.status?.lastSuccessfulBackup).toBeUndefined();
  });
});

describe("stopping a cluster during a backup or a restore", () => {
  it("waits for a running backup, says so, and stops once it finished", async () => {
    await f.runningCluster("busy", { backup: { storages: [UNUSABLE_STORAGE] } });
    await f.heldBackup("busy-run", "busy");
    await f.recordBackup("busy-run", "busy", "Running");
    await f.api.patchSpec("busy", { stopped: true });
    const waiting = await clusterWhen(
      "busy",
      "the stop to wait for the backup",
      (c) => conditionOf(c, "Stopped")?.reason === "WaitingForBackup",
    );
    expect(conditionOf(waiting, "Stopped")?.status).toBe("False");
    expect(conditionOf(waiting, "Stopped")?.message).toContain("MySQLBackup busy-run is running");
    expect((await f.pods("busy")).length).toBe(2);
    expect((await f.event("busy", "WaitingForBackup")).type).toBe("Normal");
    await f.recordBackup("busy-run", "busy", "Succeeded");
    const stopped = await clusterWhen(
      "busy",
      "phase Stopped",
      (c) => c.status?.phase === "Stopped",
    );
    expect(conditionOf(stopped, "Stopped")).toMatchObject({ status: "True", reason: "Stopped" });
    expect(await f.pods("busy")).toHaveLength(0);
    expect(await f.volumeClaims("busy")).toHaveLength(2);
  });

  it("waits for a restore in progress (the restore's annotation), then stops", async () => {
    await f.runningCluster("restoring", {});
    await f.api.annotate("restoring", RESTORE_IN_PROGRESS_ANNOTATION, "restore-7");
    await f.api.patchSpec("restoring", { stopped: true });
    const waiting = await clusterWhen(
      "restoring",
      "the stop to wait for the restore",
      (c) => conditionOf(c, "Stopped")?.reason === "WaitingForRestore",
    );
    expect(conditionOf(waiting, "Stopped")?.message).toContain("MySQLRestore restore-7");
    expect((await f.pods("restoring")).length).toBe(2);
    await f.api.annotate("restoring", RESTORE_IN_PROGRESS_ANNOTATION, null);
    await clusterWhen("restoring", "phase Stopped", (c) => c.status?.phase === "Stopped");
    expect(await f.pods("restoring")).toHaveLength(0);
  });
});
