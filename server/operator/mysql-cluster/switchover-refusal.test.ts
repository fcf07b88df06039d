import { describe, expect, it } from "vitest";
import { SWITCHOVER_ANNOTATION } from "@/lib/crds/mysql-replication";
import { harness } from "./fake-cluster-api";
import { planSwitchover } from "./switchover";
import { aCluster, aPod } from "./test-fixtures";

const servers = ["orders-0", "orders-1", "orders-2"];
const expected = servers;

function requested(target: string) {
  return aCluster({}, { annotations: { [SWITCHOVER_ANNOTATION]: target } });
}

function annotation(api: ReturnType<typeof harness>["api"]) {
  const metadata = api.cluster?.metadata as { annotations?: Record<string, string> };
  return metadata.annotations?.[SWITCHOVER_ANNOTATION];
}

describe("planSwitchover: checks before any server is touched", () => {
  it("refuses a target whose pod is missing or not Ready, naming why", () => {
    const missing = planSwitchover("orders-2", "orders-0", ["orders-0", "orders-1"], { expected });
    expect(missing).toMatchObject({ kind: "answer", outcome: "Refused" });
    expect(missing.kind === "answer" && missing.message).toBe(
      "switchover to orders-2 refused: its pod does not exist",
    );
    const notReady = planSwitchover("orders-1", "orders-0", servers, { notReady: ["orders-1"] });
    expect(notReady.kind === "answer" && notReady.message).toBe(
      "switchover to orders-1 refused: its pod is not Ready",
    );
    const stranger = planSwitchover("payments-0", "orders-0", servers, { expected });
    expect(stranger.kind === "answer" && stranger.message).toMatch(
      /^payments-0 is not a server of this cluster/,
    );
    expect(planSwitchover("orders-1", "orders-0", servers, { expected })).toEqual({
      kind: "run",
      target: "orders-1",
    });
  });
});

describe("MySQLCluster reconcile: a switchover request is never left hanging", () => {
  it("with database checks disabled: refused, recorded, Warning Event, annotation removed", async () => {
    const { api, reconcile } = harness(requested("orders-1"), { databaseChecks: false });
    api.running(3);
    await reconcile();
    expect(annotation(api)).toBeUndefined();
    expect(api.status?.lastSwitchover?.outcome).toBe("Refused");
    expect(api.status?.lastSwitchover?.message).toMatch(
      /^switchover to orders-1 refused: this operator runs with database checks disabled/,
    );
    const event = api.events.find((e) => e.reason === "SwitchoverRefused");
    expect(event).toMatchObject({ type: "Warning" });
    expect(event?.message).toBe(api.status?.lastSwitchover?.message);
    // The status write of the same reconcile keeps the record.
    expect(api.status?.phase).toBe("Ready");
    expect(api.status?.lastSwitchover?.outcome).toBe("Refused");
  });

  it("on a stopped cluster: refused because it is stopped", async () => {
    const cluster = aCluster({ stopped: true }, { annotations: { [SWITCHOVER_ANNOTATION]: "x" } });
    const { api, reconcile } = harness(cluster);
    await reconcile();
    expect(annotation(api)).toBeUndefined();
    expect(api.status?.lastSwitchover?.message).toBe(
      "switchover to x refused: the cluster is stopped (spec.stopped is true)",
    );
  });

  it("with checks enabled: a target whose pod is not Ready is refused without touching a server", async () => {
    const { api, fleet, reconcile } = harness(aCluster());
    api.running(3);
    await reconcile();
    const calls = fleet.calls.length;
    const metadata = api.cluster?.metadata as { annotations?: Record<string, string> };
    metadata.annotations = { [SWITCHOVER_ANNOTATION]: "orders-2" };
    api.pods = [aPod(0, true), aPod(1, true), aPod(2, false)];
    await reconcile();
    expect(annotation(api)).toBeUndefined();
    expect(api.status?.lastSwitchover).toMatchObject({
      outcome: "Refused",
      message: "switchover to orders-2 refused: its pod is not Ready",
    });
    expect(api.status?.primary).toBe("orders-0");
    expect(fleet.calls.slice(calls).some((entry) => /switchover/i.test(entry))).toBe(false);
    expect(api.events.map((e) => e.reason)).toContain("SwitchoverRefused");
  });
});
