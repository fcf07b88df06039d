import { describe, expect, it } from "vitest";
import { conditionColor, findCondition, formatAge, replicasText, specApplied } from "./format";
import { cluster } from "./test-fixtures";

describe("format", () => {
  const t0 = Date.parse("2026-01-01T00:00:00Z");

  it("prints ages like kubectl", () => {
    expect(formatAge("2026-01-01T00:00:00Z", t0 + 45_000)).toBe("45s");
    expect(formatAge("2026-01-01T00:00:00Z", t0 + 12 * 60_000)).toBe("12m");
    expect(formatAge("2026-01-01T00:00:00Z", t0 + 3 * 3_600_000)).toBe("3h");
    expect(formatAge("2026-01-01T00:00:00Z", t0 + 5 * 86_400_000)).toBe("5d");
    expect(formatAge(undefined, t0)).toBe("—");
    expect(formatAge("garbage", t0)).toBe("—");
  });

  it("shows ready of desired replicas", () => {
    expect(replicasText(cluster("a", "1"))).toBe("0/3");
    expect(replicasText(cluster("a", "1", { status: { readyReplicas: 2 } }))).toBe("2/3");
  });

  it("finds conditions and tells whether the spec is applied", () => {
    const ready = {
      type: "Ready",
      status: "True" as const,
      reason: "AllReady",
      message: "",
      lastTransitionTime: "2026-01-01T00:00:00Z",
    };
    const c = cluster("a", "1", { status: { observedGeneration: 1, conditions: [ready] } });
    expect(findCondition(c, "Ready")?.reason).toBe("AllReady");
    expect(findCondition(c, "Degraded")).toBeUndefined();
    expect(specApplied(c)).toBe(true);
    expect(specApplied({ ...c, metadata: { ...c.metadata, generation: 2 } })).toBe(false);
  });
});

describe("conditionColor", () => {
  it("colours by meaning: Degraded=False and Progressing=False are healthy", () => {
    expect(conditionColor("Ready", "True")).toBe("green");
    expect(conditionColor("Ready", "False")).toBe("red");
    expect(conditionColor("Degraded", "False")).toBe("green");
    expect(conditionColor("Degraded", "True")).toBe("red");
    expect(conditionColor("Progressing", "False")).toBe("green");
    expect(conditionColor("Progressing", "True")).toBe("blue");
    expect(conditionColor("Stopped", "True")).toBe("orange");
    expect(conditionColor("ReplicationHealthy", "False")).toBe("red");
    expect(conditionColor("Ready", "Unknown")).toBe("grey");
  });
});
