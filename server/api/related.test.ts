import type { CoreV1Event, V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { eventSummary, podSelector, podSummary, byLastSeen } from "./related";
import { KINDS } from "@/lib/api/kinds";

const kind = (plural: string) => {
  const found = KINDS.find((k) => k.plural === plural);
  if (!found) throw new Error(plural);
  return found;
};

describe("podSelector", () => {
  it("selects a cluster's pods by the operator's labels and a run's by its Job", () => {
    expect(podSelector(kind("mysqlclusters"), { metadata: { name: "orders" } })).toBe(
      "app.kubernetes.io/name=mysql,app.kubernetes.io/instance=orders",
    );
    expect(podSelector(kind("kafkaclusters"), { metadata: { name: "events" } })).toBe(
      "app.kubernetes.io/name=kafka,app.kubernetes.io/instance=events",
    );
    expect(
      podSelector(kind("mysqlbackups"), { metadata: { name: "b" }, status: { jobName: "b-job" } }),
    ).toBe("batch.kubernetes.io/job-name=b-job");
    expect(podSelector(kind("kafkatopics"), { metadata: { name: "t" } })).toBeNull();
  });
});

describe("podSummary", () => {
  it("reads readiness, restarts, role and node", () => {
    const pod: V1Pod = {
      metadata: { name: "orders-0", labels: { "pilothouse.dev/role": "primary" } },
      spec: { nodeName: "kwok-node-0", containers: [] },
      status: {
        phase: "Running",
        podIP: "10.244.0.5",
        startTime: new Date("2026-01-01T00:00:00Z"),
        conditions: [{ type: "Ready", status: "True" }],
        containerStatuses: [
          { name: "mysql", restartCount: 2, image: "", imageID: "", ready: true },
          { name: "exporter", restartCount: 1, image: "", imageID: "", ready: true },
        ],
      },
    };
    expect(podSummary(pod)).toEqual({
      name: "orders-0",
      phase: "Running",
      ready: true,
      restarts: 3,
      node: "kwok-node-0",
      podIP: "10.244.0.5",
      role: "primary",
      startTime: "2026-01-01T00:00:00.000Z",
    });
  });
});

describe("eventSummary", () => {
  it("takes the newest time and the series count, and sorts newest first", () => {
    const event = (reason: string, last: string, count?: number): CoreV1Event => ({
      metadata: { name: reason },
      involvedObject: { kind: "MySQLCluster", name: "orders" },
      reason,
      message: `${reason} happened`,
      type: "Warning",
      count,
      lastTimestamp: new Date(last),
      source: { component: "pilothouse-operator" },
    });
    const a = eventSummary(event("Old", "2026-01-01T00:00:00Z", 4));
    const b = eventSummary(event("New", "2026-01-02T00:00:00Z"));
    expect(a).toMatchObject({
      count: 4,
      lastSeen: "2026-01-01T00:00:00.000Z",
      source: "pilothouse-operator",
    });
    expect(b.count).toBe(1);
    expect([a, b].sort(byLastSeen).map((e) => e.reason)).toEqual(["New", "Old"]);
  });
});
