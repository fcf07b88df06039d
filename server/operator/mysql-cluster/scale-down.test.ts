import type { V1StatefulSet } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { harness } from "./fake-cluster-api";
import { downProbe, primaryProbe, replicaProbe } from "./replication-fixtures";
import { chooseScaleDownTarget, podOrdinal, scaleDownCondition, scaleDownGate } from "./scale-down";
import { aCluster, aStatefulSet } from "./test-fixtures";

const withPrimary = (replicas: number, primary: string) => {
  const cluster = aCluster({ replicas });
  return { ...cluster, status: { primary } };
};

describe("podOrdinal", () => {
  it("reads N from <cluster>-N and nothing else", () => {
    expect(podOrdinal("orders", "orders-2")).toBe(2);
    expect(podOrdinal("orders", "orders-12")).toBe(12);
    expect(podOrdinal("orders", "orders-x")).toBeUndefined();
    expect(podOrdinal("orders", "orders-db-1")).toBeUndefined();
    expect(podOrdinal("orders", "payments-1")).toBeUndefined();
  });
});

describe("scaleDownGate", () => {
  const sts3 = aStatefulSet({ replicas: 3, ready: 3 });

  it("holds the StatefulSet at its size when the scale-down removes the primary's pod", () => {
    expect(scaleDownGate(withPrimary(2, "orders-2"), sts3, true)).toEqual({
      kind: "hold",
      primary: "orders-2",
      keepReplicas: 3,
      scaleTo: 2,
    });
    expect(scaleDownGate(withPrimary(1, "orders-1"), sts3, true)).toMatchObject({
      kind: "hold",
      keepReplicas: 3,
      scaleTo: 1,
    });
  });

  it("lets a scale-down through when the primary stays, is already gone, or the cluster stops", () => {
    expect(scaleDownGate(withPrimary(2, "orders-0"), sts3, true)).toBeUndefined();
    const gone = aStatefulSet({ replicas: 2, ready: 2 });
    expect(scaleDownGate(withPrimary(2, "orders-2"), gone, true)).toBeUndefined();
    const stopping = { ...withPrimary(3, "orders-2"), spec: { ...aCluster().spec, stopped: true } };
    expect(scaleDownGate(stopping, sts3, true)).toBeUndefined();
  });

  it("without database checks, scales down without a switchover and says so in an Event", () => {
    const gate = scaleDownGate(withPrimary(2, "orders-2"), sts3, false);
    expect(gate).toMatchObject({
      kind: "unchecked",
      event: { type: "Normal", reason: "ScaleDownWithoutSwitchover" },
    });
    expect(gate?.kind === "unchecked" && gate.event.message).toContain(
      "database checks are disabled",
    );
  });
});

describe("chooseScaleDownTarget", () => {
  it("picks the most advanced replica among the servers that stay", () => {
    const probes = [
      replicaProbe(0, 2, { gtid: "0-10-5" }),
      replicaProbe(1, 2, { gtid: "0-10-7" }),
      primaryProbe(2, { gtid: "0-10-7" }),
      replicaProbe(3, 2, { gtid: "0-10-9" }), // most advanced, but removed by the scale-down
    ];
    const primary = primaryProbe(2, { gtid: "0-10-7" });
    expect(chooseScaleDownTarget("orders", primary, probes, 2)).toEqual({
      ok: true,
      target: "orders-1",
    });
  });

  it("prefers the lowest ordinal on a tie, and skips replicas that do not replicate cleanly", () => {
    const primary = primaryProbe(2);
    const tie = [replicaProbe(0, 2), replicaProbe(1, 2), primary];
    expect(chooseScaleDownTarget("orders", primary, tie, 2)).toMatchObject({ target: "orders-0" });
    const broken = [
      replicaProbe(0, 2, { gtid: "0-10-9", replication: { sqlThread: "stopped" } }),
      replicaProbe(1, 2),
      primary,
    ];
    expect(chooseScaleDownTarget("orders", primary, broken, 2)).toMatchObject({
      target: "orders-1",
    });
  });

  it("says why when no server that stays can take over", () => {
    const primary = primaryProbe(2);
    const probes = [downProbe(0), replicaProbe(1, 0), primary];
    const choice = chooseScaleDownTarget("orders", primary, probes, 2);
    expect(choice).toEqual({
      ok: false,
      message:
        "no server that stays replicates healthily from orders-2 (orders-0 is unreachable; orders-1 does not replicate from orders-2)",
    });
  });
});

describe("scaleDownCondition", () => {
  const gate = { kind: "hold" as const, primary: "orders-2", keepReplicas: 3, scaleTo: 2 };

  it("is Progressing=True naming the target while switching over", () => {
    const outcome = {
      kind: "switchover" as const,
      from: "orders-2",
      target: "orders-0",
      scaleTo: 2,
      succeeded: false,
      message: "switchover to orders-0 refused (timeout): not caught up",
    };
    const { condition, event } = scaleDownCondition(gate, outcome, 4, undefined);
    expect(condition).toMatchObject({
      type: "Progressing",
      status: "True",
      reason: "SwitchingOverBeforeScaleDown",
      observedGeneration: 4,
    });
    expect(condition.message).toContain("switching over to orders-0 first");
    expect(condition.message).toContain("keeps 3 replicas");
    expect(event).toBeUndefined(); // the switchover's own Events say it
  });

  it("is Progressing=False ScaleDownBlocked with the reason, warning once", () => {
    const outcome = { kind: "blocked" as const, message: "orders-0 is unreachable" };
    const first = scaleDownCondition(gate, outcome, 4, undefined);
    expect(first.condition).toMatchObject({ status: "False", reason: "ScaleDownBlocked" });
    expect(first.condition.message).toContain("orders-0 is unreachable");
    expect(first.event).toMatchObject({ type: "Warning", reason: "ScaleDownBlocked" });
    const again = scaleDownCondition(gate, outcome, 4, first.condition);
    expect(again.event).toBeUndefined();
  });
});

describe("MySQLCluster reconcile: scaling down past the primary", () => {
  /** A running 3-server cluster whose primary was switched over to orders-2. */
  async function primaryOnLastOrdinal() {
    const h = harness();
    h.api.running(3);
    await h.reconcile();
    const metadata = h.api.cluster?.metadata as { annotations?: Record<string, string> };
    metadata.annotations = { "pilothouse.dev/switchover-to": "orders-2" };
    await h.reconcile();
    expect(h.api.status?.primary).toBe("orders-2");
    h.fleet.calls.length = 0;
    h.api.events.length = 0;
    return h;
  }

  function scaleTo(api: ReturnType<typeof harness>["api"], replicas: number) {
    const raw = api.cluster as { spec: { replicas: number }; metadata: { generation: number } };
    raw.spec.replicas = replicas;
    raw.metadata.generation += 1;
  }

  const appliedReplicas = (api: ReturnType<typeof harness>["api"]) =>
    (api.applied.filter((o) => o.kind === "StatefulSet").at(-1) as V1StatefulSet).spec?.replicas;

  it("switches over to a server that stays first, keeping the StatefulSet, then scales down", async () => {
    const { api, fleet, reconcile } = await primaryOnLastOrdinal();
    fleet.server("orders-1").gtid = "0-1-3";
    fleet.server("orders-0").gtid = "0-1-2";
    fleet.server("orders-2").gtid = "0-1-3";
    scaleTo(api, 2);
    const result = await reconcile();
    expect(appliedReplicas(api)).toBe(3);
    expect(fleet.calls).toContain("switchover orders-2 -> orders-1");
    expect(api.status?.primary).toBe("orders-1");
    expect(api.condition("Progressing")).toMatchObject({
      status: "True",
      reason: "SwitchingOverBeforeScaleDown",
    });
    const reasons = api.events.map((e) => e.reason);
    expect(reasons.indexOf("SwitchingOverBeforeScaleDown")).toBeLessThan(
      reasons.indexOf("SwitchedOver"),
    );
    expect(result).toEqual({ requeueAfterMs: 100 });
    await reconcile();
    expect(appliedReplicas(api)).toBe(2);
    expect(api.condition("Progressing")?.reason).toBe("RollingOut");
  });

  it("keeps the old size while the switchover is refused, retrying without repeating its Event", async () => {
    const { api, fleet, reconcile } = await primaryOnLastOrdinal();
    const succeed = fleet.switchover.bind(fleet);
    fleet.switchover = () =>
      Promise.resolve({
        ok: false as const,
        reason: "catch-up-timeout" as const,
        message: "orders-0 did not catch up within 10 s",
      });
    scaleTo(api, 2);
    await reconcile();
    await reconcile();
    expect(appliedReplicas(api)).toBe(3);
    expect(api.status?.primary).toBe("orders-2");
    expect(api.status?.lastSwitchover).toMatchObject({ to: "orders-0", outcome: "Refused" });
    expect(api.condition("Progressing")).toMatchObject({
      status: "True",
      reason: "SwitchingOverBeforeScaleDown",
      message: expect.stringContaining("did not catch up") as unknown,
    });
    const before = api.events.filter((e) => e.reason === "SwitchingOverBeforeScaleDown");
    expect(before).toHaveLength(1);
    fleet.switchover = succeed;
    await reconcile();
    expect(api.status?.primary).toBe("orders-0");
    await reconcile();
    expect(appliedReplicas(api)).toBe(2);
  });

  it("keeps the old size and says why when no server that stays can take over", async () => {
    const { api, fleet, reconcile } = await primaryOnLastOrdinal();
    fleet.server("orders-0").up = false;
    fleet.server("orders-1").up = false;
    scaleTo(api, 2);
    await reconcile();
    expect(fleet.calls.some((c) => c.startsWith("switchover"))).toBe(false);
    expect(appliedReplicas(api)).toBe(3);
    expect(api.status?.primary).toBe("orders-2");
    expect(api.condition("Progressing")).toMatchObject({
      status: "False",
      reason: "ScaleDownBlocked",
      message: expect.stringContaining("orders-0 is unreachable") as unknown,
    });
    expect(api.events.filter((e) => e.reason === "ScaleDownBlocked")).toHaveLength(1);
    // Once a replica is back, the switchover runs and the scale-down follows.
    fleet.server("orders-0").up = true;
    fleet.server("orders-1").up = true;
    await reconcile(); // repoints the returning servers
    await reconcile();
    expect(api.status?.primary).toMatch(/^orders-[01]$/);
    await reconcile();
    expect(appliedReplicas(api)).toBe(2);
  });
});
