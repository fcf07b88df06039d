import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, test } from "@playwright/test";
import { alice, bob, DEMO_NAMESPACE } from "./demo-users";
import { createObject, deleteObject, IDLE_SHARD, REFS } from "./pages/admin-fixtures";
import { AlertsPage } from "./pages/alerts-page";
import { signIn } from "./pages/sign-in-flow";

/**
 * Alertmanager's alerts on the alerts page: posted to the platform's real Alertmanager
 * (platform/scripts/alertmanager.sh; the dashboard reads it through PILOTHOUSE_ALERTMANAGER_URL)
 * with the labels of Pilothouse's own PrometheusRules, seen by alice in demo and demo-analytics,
 * and by bob (a viewer of demo only) without demo-analytics' alert.
 */

const ANALYTICS = "demo-analytics";
/** Starts and stops the platform's Alertmanager (the profile comes from the env file). */
const alertmanagerScript = "platform/scripts/alertmanager.sh";
const run = promisify(execFile);
const id = Date.now().toString(36);
const cluster = `e2e-am-${id}`;
const analyticsCluster = `e2e-am-analytics-${id}`;
const primaryDown = `PilothouseMySQLPrimaryUnavailable on ${cluster}`;
const noBackup = `PilothouseMySQLNoRecentBackup on ${analyticsCluster}`;

/** The platform's Alertmanager (from its env file). */
function alertmanagerUrl(): string {
  const url = process.env.PILOTHOUSE_ALERTMANAGER_URL;
  if (!url) throw new Error("PILOTHOUSE_ALERTMANAGER_URL is not set: source the platform's env");
  return url;
}

/** `POST /api/v2/alerts`: firing for the next 10 minutes, as Prometheus would send them. */
async function postAlerts(alerts: { labels: Record<string, string>; summary: string }[]) {
  const endsAt = new Date(Date.now() + 600_000).toISOString();
  const response = await fetch(`${alertmanagerUrl()}/api/v2/alerts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(
      alerts.map((a) => ({ labels: a.labels, annotations: { summary: a.summary }, endsAt })),
    ),
  });
  expect(response.status, await response.text()).toBe(200);
}

test.beforeAll(async () => {
  await createObject(REFS.mysqlclusters, DEMO_NAMESPACE, {
    apiVersion: "mysql.pilothouse.dev/v1alpha1",
    kind: "MySQLCluster",
    metadata: { name: cluster, labels: IDLE_SHARD },
    spec: { engine: "mysql", version: "8.4", replicas: 2, storage: { size: "1Gi" } },
  });
  await postAlerts([
    {
      labels: {
        alertname: "PilothouseMySQLPrimaryUnavailable",
        namespace: DEMO_NAMESPACE,
        cluster,
        severity: "critical",
      },
      summary: `MySQLCluster ${DEMO_NAMESPACE}/${cluster} has no writable primary`,
    },
    {
      labels: {
        alertname: "PilothouseMySQLNoRecentBackup",
        namespace: ANALYTICS,
        cluster: analyticsCluster,
        severity: "warning",
      },
      summary: `MySQLCluster ${ANALYTICS}/${analyticsCluster} has no recent backup`,
    },
  ]);
});

test.afterAll(async () => {
  await deleteObject(REFS.mysqlclusters, DEMO_NAMESPACE, cluster);
});

test("Alertmanager's alerts in every namespace alice may see, with severity, filtered, linked", async ({
  page,
}) => {
  await signIn(page, alice, `/alerts?namespace=${DEMO_NAMESPACE}`);
  const alerts = new AlertsPage(page);
  await expect(alerts.alertmanagerStatus).toHaveText("Alertmanager's alerts are included.");
  const critical = alerts.row(primaryDown);
  await expect(critical).toHaveAttribute("data-severity", "critical");
  await expect(critical).toContainText("Alertmanager");
  await expect(critical).toContainText(`${DEMO_NAMESPACE}/${cluster} has no writable primary`);
  // demo-analytics' alert is not demo's.
  await expect(alerts.row(noBackup)).toHaveCount(0);

  await alerts.chooseNamespace("All namespaces");
  await expect(page).toHaveURL(/\?namespace=(\*|%2A)$/);
  const warning = alerts.row(noBackup);
  await expect(warning).toHaveAttribute("data-severity", "warning");
  await expect(warning.getByRole("gridcell", { name: ANALYTICS, exact: true })).toBeVisible();
  await expect(critical.getByRole("gridcell", { name: DEMO_NAMESPACE, exact: true })).toBeVisible();

  // The severity filter: hiding critical leaves the warning.
  await alerts.severityToggle("critical").click();
  await expect(critical).toHaveCount(0);
  await expect(warning).toHaveCount(1);
  await alerts.severityToggle("critical").click();

  // The alert of the operator's rule links to its cluster.
  await critical.getByRole("link", { name: cluster }).click();
  await expect(page).toHaveURL(new RegExp(`/mysqlclusters/${DEMO_NAMESPACE}/${cluster}$`));
});

test("bob sees demo's Alertmanager alerts but never demo-analytics'", async ({ page }) => {
  await signIn(page, bob, "/alerts?namespace=*");
  const alerts = new AlertsPage(page);
  await expect(alerts.row(primaryDown)).toHaveAttribute("data-severity", "critical");
  await expect(alerts.alertmanagerStatus).toHaveText("Alertmanager's alerts are included.");
  await expect(alerts.row(noBackup)).toHaveCount(0);

  // Asked for directly, the namespace is refused, and its alert still not shown.
  await alerts.goto(ANALYTICS);
  await expect(page.getByTestId("source-errors")).toBeVisible();
  await expect(alerts.row(noBackup)).toHaveCount(0);
});

test("with Alertmanager down the page says it cannot be reached, not an all-clear list", async ({
  page,
}) => {
  await signIn(page, alice, `/alerts?namespace=${DEMO_NAMESPACE}`);
  const alerts = new AlertsPage(page);
  await expect(alerts.row(primaryDown)).toHaveCount(1);
  await run(alertmanagerScript, ["stop"], { timeout: 60_000 });
  try {
    await page.reload();
    const unreachable = `Alertmanager at ${alertmanagerUrl()} cannot be reached (ECONNREFUSED)`;
    await expect(alerts.alertmanagerStatus).toHaveAttribute("data-state", "error");
    await expect(alerts.alertmanagerStatus).toContainText(unreachable);
    await expect(page.getByTestId("source-errors")).toContainText(unreachable);
    // Not an empty, all-clear list: the page says a source is missing.
    await expect(alerts.row(primaryDown)).toHaveCount(0);
  } finally {
    await run(alertmanagerScript, ["start"], { timeout: 600_000 });
  }
});
