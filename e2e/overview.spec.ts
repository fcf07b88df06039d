import { expect, test } from "@playwright/test";
import { alice, DEMO_NAMESPACE } from "./demo-users";
import {
  condition,
  createObject,
  deleteObject,
  IDLE_SHARD,
  patchStatus,
  REFS,
} from "./pages/admin-fixtures";
import { OverviewPage } from "./pages/overview-page";
import { signIn } from "./pages/sign-in-flow";

const run = Date.now().toString(36);
const mysql = `e2e-ov-m-${run}`;
const kafka = `e2e-ov-k-${run}`;
const paused = `e2e-ov-p-${run}`;

test.afterAll(async () => {
  await deleteObject(REFS.mysqlclusters, DEMO_NAMESPACE, mysql);
  await deleteObject(REFS.mysqlclusters, DEMO_NAMESPACE, paused);
  await deleteObject(REFS.kafkaclusters, DEMO_NAMESPACE, kafka);
});

test("overview: every cluster of both kinds with health, alerts count and last backup, live", async ({
  page,
}) => {
  // Clusters of an idle operator shard: the test writes their status as the operator would.
  await createObject(REFS.mysqlclusters, DEMO_NAMESPACE, {
    apiVersion: "mysql.pilothouse.dev/v1alpha1",
    kind: "MySQLCluster",
    metadata: { name: mysql, labels: IDLE_SHARD },
    spec: { engine: "mysql", version: "8.4", replicas: 1, storage: { size: "1Gi" } },
  });
  await createObject(REFS.kafkaclusters, DEMO_NAMESPACE, {
    apiVersion: "kafka.pilothouse.dev/v1alpha1",
    kind: "KafkaCluster",
    metadata: { name: kafka, labels: IDLE_SHARD },
    spec: {
      kraft: {
        mode: "separate",
        controllers: { replicas: 1, storage: { size: "1Gi" } },
        brokers: { replicas: 1, storage: { size: "1Gi" } },
      },
    },
  });
  const completedAt = "2026-01-02T03:04:05Z";
  await patchStatus(REFS.mysqlclusters, DEMO_NAMESPACE, mysql, {
    observedGeneration: 1,
    phase: "Degraded",
    conditions: [
      condition("Ready", "True", "ServersReady"),
      condition("Degraded", "True", "ReplicaLagging", `${mysql}-1 lags 300 s behind`),
    ],
    lastSuccessfulBackup: { name: `${mysql}-nightly`, completedAt },
  });
  await patchStatus(REFS.kafkaclusters, DEMO_NAMESPACE, kafka, {
    observedGeneration: 1,
    phase: "Ready",
    conditions: [
      condition("Ready", "True", "BrokersReady"),
      condition("Degraded", "False", "AllInSync"),
    ],
  });

  await signIn(page, alice, `/?namespace=${DEMO_NAMESPACE}`);
  const overview = new OverviewPage(page);
  await expect(page).toHaveTitle("Overview · Pilothouse");
  await expect(overview.liveStatus).toHaveAttribute("data-status", "live");

  await expect(overview.health("mysqlclusters", mysql)).toHaveText("Degraded");
  await expect(overview.alerts("mysqlclusters", mysql)).toHaveText("1");
  await expect(overview.lastBackup("mysqlclusters", mysql)).toContainText(`${mysql}-nightly`);
  await expect(overview.health("kafkaclusters", kafka)).toHaveText("Healthy");
  await expect(overview.alerts("kafkaclusters", kafka)).toHaveText("0");
  await expect(overview.lastBackup("kafkaclusters", kafka)).toHaveText("—");

  // The operator reports recovery: the overview follows without a reload. Its database checks
  // are off (ReplicationHealthy Unknown): Healthy, but saying replication is not verified.
  await patchStatus(REFS.mysqlclusters, DEMO_NAMESPACE, mysql, {
    phase: "Ready",
    readyReplicas: 1,
    conditions: [
      condition("Ready", "True", "ServersReady"),
      condition("Degraded", "False", "InSync"),
      condition("ReplicationHealthy", "Unknown", "DatabaseChecksDisabled"),
    ],
  });
  await expect(overview.health("mysqlclusters", mysql)).toHaveText("Healthy");
  await expect(overview.healthHint("mysqlclusters", mysql)).toHaveText("replication not verified");
  await expect(overview.alerts("mysqlclusters", mysql)).toHaveText("0");

  // A backup fails after the last good one: the overview shows both, not only the good one,
  // and a cluster whose backups fail is no longer a green Healthy.
  await patchStatus(REFS.mysqlclusters, DEMO_NAMESPACE, mysql, {
    lastFailedBackup: { name: `${mysql}-retry`, completedAt: "2026-01-03T03:04:05Z" },
    conditions: [
      condition("Ready", "True", "ServersReady"),
      condition("Degraded", "False", "InSync"),
      condition("ReplicationHealthy", "Unknown", "DatabaseChecksDisabled"),
      condition("BackupHealthy", "False", "BackupFailed", `${mysql}-retry failed`),
    ],
  });
  await expect(overview.lastBackup("mysqlclusters", mysql)).toContainText(`${mysql}-nightly`);
  await expect(
    overview.lastBackup("mysqlclusters", mysql).getByTestId("overview-last-failed-backup"),
  ).toContainText(`Failed ${mysql}-retry`);
  await expect(overview.health("mysqlclusters", mysql)).toHaveText("Needs attention");
  await expect(overview.healthHint("mysqlclusters", mysql)).toHaveText(
    `backups failing: BackupFailed: ${mysql}-retry failed`,
  );

  // A paused cluster whose new spec is not applied is never green: Paused, with the reason.
  await createObject(REFS.mysqlclusters, DEMO_NAMESPACE, {
    apiVersion: "mysql.pilothouse.dev/v1alpha1",
    kind: "MySQLCluster",
    metadata: {
      name: paused,
      labels: IDLE_SHARD,
      annotations: { "pilothouse.dev/reconcile": "paused" },
    },
    spec: { engine: "mysql", version: "8.4", replicas: 1, storage: { size: "1Gi" } },
  });
  await patchStatus(REFS.mysqlclusters, DEMO_NAMESPACE, paused, {
    observedGeneration: 0,
    phase: "Paused",
    readyReplicas: 1,
    conditions: [
      condition("Ready", "True", "ServersReady"),
      condition("Paused", "True", "ReconcilePaused", "reconcile paused by annotation"),
    ],
  });
  await expect(overview.health("mysqlclusters", paused)).toHaveText("Paused");
  await expect(overview.healthHint("mysqlclusters", paused)).toContainText("ReconcilePaused");
  await expect(overview.lastBackup("mysqlclusters", paused)).toHaveText("no successful backup");

  // A cluster without a recorded backup says so; names link to the detail pages.
  await overview.row("kafkaclusters", kafka).getByRole("link", { name: kafka }).click();
  await expect(page).toHaveURL(new RegExp(`/kafkaclusters/${DEMO_NAMESPACE}/${kafka}$`));
  await expect(page.getByRole("heading", { name: kafka, level: 1 })).toBeVisible();
});
