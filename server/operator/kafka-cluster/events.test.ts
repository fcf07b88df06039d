import { describe, expect, it } from "vitest";
import type { Condition } from "@/lib/crds/common";
import type { KafkaClusterStatus } from "@/lib/crds/kafka-cluster";
import { clusterHealthEvents } from "./events";

const degraded = (status: "True" | "False", reason: string, message: string): Condition => ({
  type: "Degraded",
  status,
  reason,
  message,
  lastTransitionTime: "2026-11-30T00:00:00Z",
});
const status = (brokers: number, condition: Condition): KafkaClusterStatus => ({
  brokers,
  conditions: [condition],
});
const healthy = status(3, degraded("False", "Healthy", "3 broker(s) online."));

describe("clusterHealthEvents", () => {
  it("warns when the cluster turns Degraded and when brokers drop out", () => {
    const offline = status(2, degraded("True", "OfflinePartitions", "4 offline partition(s)"));
    expect(clusterHealthEvents(healthy, offline)).toEqual([
      { type: "Warning", reason: "OfflinePartitions", message: "4 offline partition(s)" },
      {
        type: "Warning",
        reason: "BrokersOffline",
        message: "2 broker(s) online, 1 fewer than at the last probe.",
      },
    ]);
  });

  it("warns again only when the reason changes, and says Normal on recovery", () => {
    const under = status(3, degraded("True", "UnderReplicatedPartitions", "2 under-replicated"));
    const underMore = status(
      3,
      degraded("True", "UnderReplicatedPartitions", "5 under-replicated"),
    );
    expect(clusterHealthEvents(under, underMore)).toEqual([]);
    const unreachable = status(3, degraded("True", "ClusterUnreachable", "connection refused"));
    expect(clusterHealthEvents(under, unreachable)).toEqual([
      { type: "Warning", reason: "ClusterUnreachable", message: "connection refused" },
    ]);
    expect(clusterHealthEvents(unreachable, healthy)).toEqual([
      { type: "Normal", reason: "Recovered", message: "Healthy again: 3 broker(s) online." },
    ]);
  });

  it("raises nothing for a status written again or for a first healthy probe", () => {
    expect(clusterHealthEvents(healthy, healthy)).toEqual([]);
    expect(clusterHealthEvents(undefined, healthy)).toEqual([]);
    const grown = status(4, degraded("False", "Healthy", "4 broker(s) online."));
    expect(clusterHealthEvents(healthy, grown)).toEqual([
      {
        type: "Normal",
        reason: "BrokersOnline",
        message: "4 broker(s) online, 1 more than at the last probe.",
      },
    ]);
  });

  it("raises no Recovered when Degraded turns False only because the cluster stopped", () => {
    const down = { conditions: [degraded("True", "ClusterUnreachable", "refused")] };
    const stopped = { conditions: [degraded("False", "Stopped", "The cluster is stopped.")] };
    expect(clusterHealthEvents(down, stopped)).toEqual([]);
  });
});
