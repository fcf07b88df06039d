import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { MySQLClusterStatus } from "@/lib/crds/mysql-cluster";
import { prometheusClusterMetrics } from "./metrics";

const at = "2026-03-01T12:00:00Z";
const status: MySQLClusterStatus = {
  primary: "orders-0",
  conditions: [
    {
      type: "Ready",
      status: "True",
      reason: "AllServersReady",
      message: "",
      lastTransitionTime: at,
    },
    {
      type: "ReplicationHealthy",
      status: "False",
      reason: "ReplicationBroken",
      message: "",
      lastTransitionTime: at,
    },
  ],
  instances: [
    { name: "orders-0", role: "primary", ready: true, reachable: true, readOnly: false },
    {
      name: "orders-1",
      role: "replica",
      ready: true,
      reachable: true,
      readOnly: true,
      replicationLagSeconds: 4,
    },
    { name: "orders-2", role: "unknown", ready: true, reachable: false },
  ],
};

describe("prometheusClusterMetrics", () => {
  it("exports per-cluster and per-server health, and drops a deleted cluster's series", async () => {
    const registry = new Registry();
    const metrics = prometheusClusterMetrics(registry);
    metrics.report("shop", "orders", status);
    metrics.topologyChange("shop", "orders", "failover", "succeeded");
    const text = await registry.metrics();
    const cluster = 'namespace="shop",cluster="orders"';
    expect(text).toContain(`pilothouse_mysql_cluster_ready{${cluster}} 1`);
    expect(text).toContain(`pilothouse_mysql_cluster_primary_available{${cluster}} 1`);
    expect(text).toContain(`pilothouse_mysql_cluster_replication_healthy{${cluster}} 0`);
    expect(text).toContain(
      `pilothouse_mysql_instance_replication_lag_seconds{${cluster},instance="orders-1"} 4`,
    );
    expect(text).toContain(
      `pilothouse_mysql_instance_replicating{${cluster},instance="orders-1"} 1`,
    );
    expect(text).toContain(
      `pilothouse_mysql_instance_replicating{${cluster},instance="orders-2"} 0`,
    );
    expect(text).not.toContain(
      `pilothouse_mysql_instance_replicating{${cluster},instance="orders-0"}`,
    );
    expect(text).toContain(`pilothouse_mysql_instance_reachable{${cluster},instance="orders-2"} 0`);
    expect(text).toContain(
      `pilothouse_mysql_topology_changes_total{${cluster},kind="failover",outcome="succeeded"} 1`,
    );
    metrics.report("shop", "orders", { ...status, instances: status.instances?.slice(0, 2) });
    expect(await registry.metrics()).not.toContain('instance="orders-2"');
    metrics.forget("shop", "orders");
    const after = await registry.metrics();
    expect(after).not.toContain(`pilothouse_mysql_cluster_ready{${cluster}}`);
    expect(after).not.toContain('instance="orders-1"');
  });
});
