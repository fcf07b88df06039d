/**
 * `GET /api/v1/alerts` against a real Prometheus Alertmanager (platform/scripts/alertmanager.sh,
 * built from the Go module proxy), the real OpenID provider (bearer tokens signed in through its
 * login form) and the real apiserver: alerts posted through Alertmanager's API v2 with the labels
 * of Pilothouse's own PrometheusRules (deploy/prometheus/) come back matched to their cluster and
 * severity; silenced and inhibited ones do not; a namespace the user may not see gives no alert;
 * and with Alertmanager stopped the answer says so while the Warning Events still come.
 *
 * Needs the local platform's env file (OIDC_*, NEXTAUTH_URL, KUBECONFIG,
 * PILOTHOUSE_DASHBOARD_KUBECONFIG); starts Alertmanager itself.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as alertsRoute from "@/app/api/v1/alerts/route";
import type { AlertsResponse } from "@/lib/api/related";
import { clientFromEnv, signInWithCodeFlow } from "@/platform/oidc/code-flow-client";
import { DEMO_USERS } from "@/platform/oidc/users";
import { platformState } from "./backup-platform";
import {
  apiTestPlatform,
  expectError,
  expectJson,
  type ApiTestPlatform,
} from "./support/api-callers";
import { REPO_ROOT } from "./support/kube-admin";

const run = promisify(execFile);
const alertmanagerScript = join(REPO_ROOT, "platform/scripts/alertmanager.sh");
const suffix = randomBytes(3).toString("hex");
/** Bound like `demo`: alice operates, bob views. */
const ns = `am-${suffix}`;
/** Bound to nobody: neither alice nor bob may see it. */
const hidden = `am-hidden-${suffix}`;
const base = process.env.NEXTAUTH_URL ?? "http://localhost:3000";

let platform: ApiTestPlatform;
let alertmanager = "";
const tokens: Record<string, string> = {};

/** An alert as Prometheus sends it: firing for the next 10 minutes. */
function firing(labels: Record<string, string>, summary: string) {
  return {
    labels,
    annotations: { summary },
    startsAt: new Date().toISOString(),
    endsAt: new Date(Date.now() + 600_000).toISOString(),
  };
}

/** `POST /api/v2/alerts` of the real Alertmanager. */
async function postAlerts(alerts: ReturnType<typeof firing>[]): Promise<void> {
  const response = await fetch(`${alertmanager}/api/v2/alerts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(alerts),
  });
  expect(response.status, await response.text()).toBe(200);
}

/** The dashboard's route, as `user` calls it with a bearer token. */
function getAlerts(user: "alice" | "bob", namespace: string): Promise<Response> {
  return alertsRoute.GET(
    new Request(`${base}/api/v1/alerts?namespace=${namespace}`, {
      headers: { authorization: `Bearer ${tokens[user] ?? ""}` },
    }),
  );
}

beforeAll(async () => {
  await run(alertmanagerScript, ["start"], { timeout: 600_000 });
  const env = await readFile(join(platformState(), "alertmanager.env"), "utf8");
  alertmanager = /^PILOTHOUSE_ALERTMANAGER_URL=(.+)$/m.exec(env)?.[1] ?? "";
  if (!alertmanager) throw new Error(`no PILOTHOUSE_ALERTMANAGER_URL in ${env}`);
  process.env.PILOTHOUSE_ALERTMANAGER_URL = alertmanager;
  platform = await apiTestPlatform(ns);
  await platform.admin
    .makeApiClient(CoreV1Api)
    .createNamespace({ body: { metadata: { name: hidden } } });
  const client = clientFromEnv();
  for (const user of DEMO_USERS.filter((u) => /^(alice|bob)@/.test(u.email))) {
    const set = await signInWithCodeFlow(client, user);
    if (!set.id_token) throw new Error(`no ID token for ${user.email}`);
    tokens[user.email.split("@")[0] ?? ""] = set.id_token;
  }
}, 600_000);

afterAll(async () => {
  // Leave Alertmanager running for the next suites, whatever the last test did to it.
  await run(alertmanagerScript, ["start"], { timeout: 600_000 }).catch(() => undefined);
  const core = platform?.admin.makeApiClient(CoreV1Api);
  for (const name of [ns, hidden]) await core?.deleteNamespace({ name }).catch(() => undefined);
}, 600_000);

describe("alerts from a real Alertmanager", () => {
  it("matches the operator rules' alerts to their cluster, with severity, for the namespace only", async () => {
    await postAlerts([
      firing(
        {
          alertname: "PilothouseMySQLPrimaryUnavailable",
          namespace: ns,
          cluster: "orders",
          severity: "critical",
        },
        `MySQLCluster ${ns}/orders has no writable primary`,
      ),
      firing(
        {
          alertname: "PilothouseKafkaUnderReplicatedPartitions",
          namespace: ns,
          cluster: "events",
          severity: "warning",
        },
        `KafkaCluster ${ns}/events has 3 under-replicated partition(s)`,
      ),
      firing(
        { alertname: "ReplicaLag", namespace: ns, mysqlcluster: "billing", severity: "Info" },
        "billing-1 lags",
      ),
      firing(
        { alertname: "PilothouseMySQLPrimaryUnavailable", namespace: hidden, cluster: "secret" },
        `MySQLCluster ${hidden}/secret has no writable primary`,
      ),
      // As a Prometheus that scraped the operator without honor_labels sends it: the cluster's
      // namespace renamed exported_namespace, namespace the operator's own.
      firing(
        {
          alertname: "PilothouseMySQLClusterNotReady",
          namespace: "pilothouse-system",
          exported_namespace: ns,
          cluster: "journal",
          severity: "warning",
        },
        `MySQLCluster ${ns}/journal is not Ready`,
      ),
    ]);
    const body = await expectJson<AlertsResponse>(await getAlerts("alice", ns), 200);
    expect(body.alertmanager).toEqual({ configured: true });
    const byName = body.alerts.map((a) => [a.name, a.cluster, a.severity, a.namespace]).sort();
    expect(byName).toEqual([
      ["PilothouseKafkaUnderReplicatedPartitions", "events", "warning", ns],
      ["PilothouseMySQLClusterNotReady", "journal", "warning", ns],
      ["PilothouseMySQLPrimaryUnavailable", "orders", "critical", ns],
      ["ReplicaLag", "billing", "info", ns],
    ]);
    const primary = body.alerts.find((a) => a.cluster === "orders");
    expect(primary?.summary).toBe(`MySQLCluster ${ns}/orders has no writable primary`);
    expect(Date.parse(primary?.startsAt ?? "")).toBeGreaterThan(Date.now() - 600_000);
    // A viewer of the namespace sees the same alerts.
    const asBob = await expectJson<AlertsResponse>(await getAlerts("bob", ns), 200);
    expect(asBob.alerts).toHaveLength(4);
  });

  it("refuses a namespace the user may not see, without its alerts", async () => {
    for (const user of ["alice", "bob"] as const) {
      const response = await getAlerts(user, hidden);
      const text = await response.clone().text();
      expect(text).not.toContain("secret");
      expect((await expectError(response, 403)).code).toBe("Forbidden");
    }
    // The alert exists in Alertmanager all the same: it is the dashboard that withholds it.
    const all = (await (
      await fetch(
        `${alertmanager}/api/v2/alerts?filter=${encodeURIComponent(`namespace="${hidden}"`)}`,
      )
    ).json()) as unknown[];
    expect(all).toHaveLength(1);
  });

  it("leaves out silenced alerts and warnings inhibited by a critical alert", async () => {
    const silence = await fetch(`${alertmanager}/api/v2/silences`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        matchers: [
          {
            name: "alertname",
            value: "PilothouseMySQLNoRecentBackup",
            isRegex: false,
            isEqual: true,
          },
          { name: "namespace", value: ns, isRegex: false, isEqual: true },
        ],
        startsAt: new Date().toISOString(),
        endsAt: new Date(Date.now() + 600_000).toISOString(),
        createdBy: "alerts-alertmanager.test.ts",
        comment: "maintenance window",
      }),
    });
    expect(silence.status, await silence.clone().text()).toBe(200);
    const labels = { namespace: ns, cluster: "ledger" };
    await postAlerts([
      firing(
        { ...labels, alertname: "PilothouseMySQLNoRecentBackup", severity: "warning" },
        "no backup",
      ),
      firing(
        { ...labels, alertname: "PilothouseMySQLReplicationBroken", severity: "critical" },
        "ledger-1 does not replicate",
      ),
      firing(
        { ...labels, alertname: "PilothouseMySQLReplicationBroken", severity: "warning" },
        "ledger-2 does not replicate",
      ),
    ]);
    const body = await expectJson<AlertsResponse>(await getAlerts("alice", ns), 200);
    const ledger = body.alerts.filter((a) => a.cluster === "ledger");
    expect(ledger.map((a) => [a.name, a.severity])).toEqual([
      ["PilothouseMySQLReplicationBroken", "critical"],
    ]);
    // Alertmanager holds the other two, suppressed: silenced by the silence and inhibited.
    const query = new URLSearchParams({ filter: `cluster="ledger"` });
    const held = (await (await fetch(`${alertmanager}/api/v2/alerts?${query}`)).json()) as {
      labels: Record<string, string>;
      status: { state: string; silencedBy: string[]; inhibitedBy: string[] };
    }[];
    const states = held.map((a) => [
      a.labels.alertname,
      a.labels.severity,
      a.status.state,
      a.status.silencedBy.length > 0,
      a.status.inhibitedBy.length > 0,
    ]);
    expect(states).toEqual(
      expect.arrayContaining([
        ["PilothouseMySQLNoRecentBackup", "warning", "suppressed", true, false],
        ["PilothouseMySQLReplicationBroken", "warning", "suppressed", false, true],
        ["PilothouseMySQLReplicationBroken", "critical", "active", false, false],
      ]),
    );
  });

  it("says Alertmanager cannot be reached when it is down, and still returns the Warning Events", async () => {
    await platform.admin.makeApiClient(CoreV1Api).createNamespacedEvent({
      namespace: ns,
      body: {
        metadata: { name: `orders.${suffix}` },
        involvedObject: { kind: "MySQLCluster", name: "orders", namespace: ns },
        type: "Warning",
        reason: "PrimaryUnavailable",
        message: "orders-0 does not answer",
        lastTimestamp: new Date(),
        source: { component: "pilothouse-operator" },
      },
    });
    await run(alertmanagerScript, ["stop"], { timeout: 60_000 });
    const body = await expectJson<AlertsResponse>(await getAlerts("alice", ns), 200);
    expect(body.alertmanager.configured).toBe(true);
    expect(body.alertmanager.error).toMatch(
      new RegExp(`Alertmanager at ${alertmanager} cannot be reached \\(ECONNREFUSED\\)`),
    );
    expect(body.alerts).toEqual([]);
    expect(body.warnings.map((w) => [w.involvedName, w.reason])).toEqual([
      ["orders", "PrimaryUnavailable"],
    ]);
  });
});
