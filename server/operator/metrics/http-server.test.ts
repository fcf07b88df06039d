import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { startOperatorHttpServer } from "./http-server";
import { OperatorMetrics } from "./registry";

describe("the operator's HTTP server", () => {
  it("serves /metrics in Prometheus format and /healthz", async () => {
    const metrics = new OperatorMetrics();
    metrics.observeReconcile("mysqlcluster", 0.2, false);
    metrics.observeReconcile("mysqlcluster", 1.5, true);
    let healthy = true;
    const server = await startOperatorHttpServer({
      port: 0,
      host: "127.0.0.1",
      registry: metrics.registry,
      healthy: () => healthy,
      logger: pino({ level: "silent" }),
    });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const scrape = await fetch(`${base}/metrics`);
      expect(scrape.headers.get("content-type")).toContain("text/plain");
      const text = await scrape.text();
      expect(text).toContain(
        'pilothouse_operator_reconcile_total{controller="mysqlcluster",result="success"} 1',
      );
      expect(text).toContain(
        'pilothouse_operator_reconcile_errors_total{controller="mysqlcluster"} 1',
      );
      expect(text).toContain(
        'pilothouse_operator_reconcile_duration_seconds_count{controller="mysqlcluster"} 2',
      );
      expect(text).toContain("pilothouse_operator_process_cpu_seconds_total");
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      healthy = false;
      expect((await fetch(`${base}/healthz`)).status).toBe(503);
      expect((await fetch(`${base}/other`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
