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
import { AlertsPage } from "./pages/alerts-page";
import { ResourceDetailPage } from "./pages/resource-detail-page";
import { signIn } from "./pages/sign-in-flow";

const name = `e2e-alert-${Date.now().toString(36)}`;

test.afterAll(async () => {
  await deleteObject(REFS.mysqlclusters, DEMO_NAMESPACE, name);
});

test("alerts from conditions, filtered by severity; the detail page says why it is unhealthy", async ({
  page,
}) => {
  await createObject(REFS.mysqlclusters, DEMO_NAMESPACE, {
    apiVersion: "mysql.pilothouse.dev/v1alpha1",
    kind: "MySQLCluster",
    metadata: { name, labels: IDLE_SHARD },
    spec: { engine: "mysql", version: "8.4", replicas: 2, storage: { size: "1Gi" } },
  });
  await patchStatus(REFS.mysqlclusters, DEMO_NAMESPACE, name, {
    observedGeneration: 1,
    phase: "Degraded",
    conditions: [
      condition("Ready", "True", "ServersReady"),
      condition("ReplicationHealthy", "False", "ReplicaStopped", `${name}-1: SQL thread stopped`),
      condition("BackupHealthy", "False", "NoRecentBackup", "no backup in 26 h"),
    ],
  });

  await signIn(page, alice, `/alerts?namespace=${DEMO_NAMESPACE}`);
  const alerts = new AlertsPage(page);
  await expect(page).toHaveTitle("Alerts · Pilothouse");
  const critical = alerts.row(`MySQLCluster ${name}: ReplicationHealthy=False (ReplicaStopped)`);
  const warning = alerts.row(`MySQLCluster ${name}: BackupHealthy=False (NoRecentBackup)`);
  await expect(critical).toHaveAttribute("data-severity", "critical");
  await expect(critical).toContainText(`${name}-1: SQL thread stopped`);
  await expect(warning).toHaveAttribute("data-severity", "warning");
  // The local platform runs an Alertmanager (platform/scripts/alertmanager.sh): the page says so.
  await expect(alerts.alertmanagerStatus).toContainText("Alertmanager's alerts are included.");

  // Hide critical alerts: only the warning stays.
  await alerts.severityToggle("critical").click();
  await expect(critical).toHaveCount(0);
  await expect(warning).toHaveCount(1);
  await alerts.severityToggle("critical").click();
  await expect(critical).toHaveCount(1);

  // The alert links to the cluster, whose page lists the reasons and the conditions.
  await critical.getByRole("link", { name }).click();
  const detail = new ResourceDetailPage(page, "mysqlclusters");
  await expect(detail.heading(name)).toBeVisible();
  await expect(detail.blockers).toContainText("ReplicationHealthy=False: ReplicaStopped");
  await expect(page.getByTestId("condition-BackupHealthy")).toContainText("NoRecentBackup");

  // Recovery clears the alert live.
  await page.goBack();
  await patchStatus(REFS.mysqlclusters, DEMO_NAMESPACE, name, {
    phase: "Ready",
    conditions: [condition("Ready", "True", "ServersReady")],
  });
  await expect(critical).toHaveCount(0);
  await expect(warning).toHaveCount(0);
});
