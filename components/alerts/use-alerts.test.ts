import { describe, expect, it } from "vitest";
import type { AlertsResponse } from "@/lib/api/related";
import type { Resource } from "../resources/model";
import { allNamespacesStatus, combineAlerts } from "./use-alerts";

const orders = (namespace: string): Resource => ({
  apiVersion: "mysql.pilothouse.dev/v1alpha1",
  kind: "MySQLCluster",
  metadata: { name: "orders", namespace },
  spec: {},
  status: { conditions: [] },
});

const answer = (namespace: string): AlertsResponse => ({
  alertmanager: { configured: true },
  alerts: [
    {
      name: "PilothouseMySQLPrimaryUnavailable",
      severity: "critical",
      summary: `${namespace}/orders has no writable primary`,
      namespace,
      cluster: "orders",
      labels: { cluster: "orders", namespace },
    },
  ],
  warnings: [
    {
      type: "Warning",
      reason: "PrimaryUnavailable",
      message: "orders-0 does not answer",
      count: 1,
      involvedKind: "MySQLCluster",
      involvedName: "orders",
    },
  ],
});

describe("combineAlerts", () => {
  it("attributes each namespace's Events and Alertmanager alerts to that namespace's objects", () => {
    // Two clusters named orders; only demo's exists on the page as an object.
    const alerts = combineAlerts(
      [["mysqlclusters", [orders("demo")]]],
      new Map([
        ["demo", answer("demo")],
        ["analytics", answer("analytics")],
      ]),
    );
    const summary = alerts.map((a) => [a.source, a.namespace, a.object?.name ?? null, a.severity]);
    expect(summary).toEqual(
      expect.arrayContaining([
        ["alertmanager", "demo", "orders", "critical"],
        ["alertmanager", "analytics", null, "critical"],
        ["event", "demo", "orders", "warning"],
        ["event", "analytics", null, "warning"],
      ]),
    );
    expect(alerts).toHaveLength(4);
    // Most severe first.
    expect(alerts.slice(0, 2).every((a) => a.severity === "critical")).toBe(true);
  });
});

describe("allNamespacesStatus", () => {
  const connecting = { status: "connecting", since: null } as const;

  it("says live only when both cluster lists are watched", () => {
    const live = { mode: "live", live: { status: "live", since: 5 }, refreshedAt: 0 } as const;
    expect(allNamespacesStatus(live, live)).toEqual({
      mode: "live",
      live: { status: "live", since: 5 },
      refreshedAt: 0,
    });
  });

  it("is polling, refreshed at the older read, for more namespaces than are watched (never Connecting)", () => {
    const mysql = { mode: "polling", live: connecting, refreshedAt: 2_000 } as const;
    const kafka = { mode: "polling", live: connecting, refreshedAt: 1_000 } as const;
    const status = allNamespacesStatus(mysql, kafka);
    expect(status.mode).toBe("polling");
    expect(status.refreshedAt).toBe(1_000);
    // Until both lists were read once, nothing claims a refresh time.
    expect(allNamespacesStatus(mysql, { ...kafka, refreshedAt: 0 }).refreshedAt).toBe(0);
  });

  it("keeps a refused read visible while polling", () => {
    const refused = { status: "refused", since: null, reason: "forbidden" } as const;
    const mysql = { mode: "polling", live: connecting, refreshedAt: 2_000 } as const;
    const kafka = { mode: "polling", live: refused, refreshedAt: 0 } as const;
    expect(allNamespacesStatus(mysql, kafka).live).toEqual(refused);
  });
});
