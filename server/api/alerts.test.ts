import { describe, expect, it, vi } from "vitest";
import { alertmanagerUrl, fetchAlertmanagerAlerts, toExternalAlert } from "./alerts";

describe("alertmanagerUrl", () => {
  it("is undefined without the variable, trimmed with it, and refuses a non-URL", () => {
    expect(alertmanagerUrl({})).toBeUndefined();
    expect(alertmanagerUrl({ PILOTHOUSE_ALERTMANAGER_URL: "http://am:9093/" })).toBe(
      "http://am:9093",
    );
    expect(() => alertmanagerUrl({ PILOTHOUSE_ALERTMANAGER_URL: "am:9093" })).toThrow(/http/);
  });
});

describe("toExternalAlert", () => {
  it("matches by the namespace label and names the cluster from its labels", () => {
    const alert = toExternalAlert(
      {
        labels: {
          alertname: "MySQLReplicationLag",
          namespace: "demo",
          mysqlcluster: "orders",
          severity: "Critical",
        },
        annotations: { summary: "orders-2 lags 120 s" },
        startsAt: "2026-01-01T00:00:00Z",
        status: { state: "active" },
      },
      "demo",
    );
    expect(alert).toMatchObject({
      name: "MySQLReplicationLag",
      severity: "critical",
      cluster: "orders",
      summary: "orders-2 lags 120 s",
    });
    expect(toExternalAlert({ labels: { namespace: "other" } }, "demo")).toBeNull();
    // Scraped without honor_labels, the object's namespace is exported_namespace and namespace
    // is the operator's own.
    const scraped = { namespace: "pilothouse-system", exported_namespace: "demo", cluster: "a" };
    expect(toExternalAlert({ labels: scraped }, "demo")).toMatchObject({ namespace: "demo" });
    expect(toExternalAlert({ labels: scraped }, "pilothouse-system")).toBeNull();
    expect(
      toExternalAlert({ labels: { namespace: "demo" }, status: { state: "suppressed" } }, "demo"),
    ).toBeNull();
    // Received but not yet through silences and inhibitions (which the query applied): shown.
    expect(
      toExternalAlert({ labels: { namespace: "demo" }, status: { state: "unprocessed" } }, "demo"),
    ).toMatchObject({ name: "Alert", severity: "warning" });
  });

  it("summarises an alert without a summary by its description, else by its name", () => {
    const alert = (annotations: Record<string, string>) =>
      toExternalAlert(
        { labels: { alertname: "MySQLReplicationLag", namespace: "demo" }, annotations },
        "demo",
      )?.summary;
    expect(alert({ description: "orders-2 lags 120 s behind orders-0" })).toBe(
      "orders-2 lags 120 s behind orders-0",
    );
    // A blank summary is no summary.
    expect(alert({ summary: "  ", description: "orders-2 lags" })).toBe("orders-2 lags");
    expect(alert({})).toBe("MySQLReplicationLag");
    expect(alert({ summary: "lag", description: "orders-2 lags" })).toBe("lag");
  });
});

describe("fetchAlertmanagerAlerts", () => {
  it("asks Alertmanager's v2 API for the namespace's active alerts", async () => {
    const fake = vi.fn<typeof fetch>(() =>
      Promise.resolve(
        Response.json([
          { labels: { alertname: "KafkaOfflinePartitions", namespace: "demo", cluster: "events" } },
          { labels: { alertname: "Elsewhere", namespace: "prod" } },
        ]),
      ),
    );
    const alerts = await fetchAlertmanagerAlerts("http://am:9093", "demo", fake);
    expect(alerts.map((a) => [a.name, a.cluster, a.severity])).toEqual([
      ["KafkaOfflinePartitions", "events", "warning"],
    ]);
    const input = fake.mock.calls[0]?.[0];
    const url = new URL(typeof input === "string" ? input : "http://missing/");
    expect(url.pathname).toBe("/api/v2/alerts");
    expect(url.searchParams.get("filter")).toBe('namespace="demo"');
    expect(url.searchParams.get("silenced")).toBe("false");
    // A second query finds the alerts whose namespace Prometheus renamed exported_namespace;
    // the same alert answered twice is shown once.
    const second = fake.mock.calls[1]?.[0];
    const url2 = new URL(typeof second === "string" ? second : "http://missing/");
    expect(url2.searchParams.get("filter")).toBe('exported_namespace="demo"');
    expect(alerts).toHaveLength(1);
  });

  it("fails with the status when Alertmanager answers an error, and on a foreign answer", async () => {
    await expect(
      fetchAlertmanagerAlerts("http://am:9093", "demo", () =>
        Promise.resolve(new Response("no", { status: 503 })),
      ),
    ).rejects.toThrow(/HTTP 503/);
    const refused = Object.assign(new TypeError("fetch failed"), {
      cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
    });
    await expect(
      fetchAlertmanagerAlerts("http://am:9093", "demo", () => Promise.reject(refused)),
    ).rejects.toThrow("Alertmanager at http://am:9093 cannot be reached (ECONNREFUSED)");
    await expect(
      fetchAlertmanagerAlerts("http://am:9093", "demo", () =>
        Promise.resolve(Response.json({ data: [] })),
      ),
    ).rejects.toThrow(/not an alert list/);
  });
});
