import { describe, expect, it } from "vitest";
import type { Condition } from "@/lib/crds/common";
import {
  findCondition,
  isConditionTrue,
  kubeTime,
  setCondition,
  setConditions,
} from "./conditions";

const t0 = new Date("2026-01-01T10:00:00.123Z");
const t1 = new Date("2026-01-01T10:05:00.456Z");

const ready = (status: Condition["status"], reason: string, message = "") => ({
  type: "Ready",
  status,
  reason,
  message,
  observedGeneration: 1,
});

describe("kubeTime", () => {
  it("writes UTC RFC 3339 with whole seconds", () => {
    expect(kubeTime(t0)).toBe("2026-01-01T10:00:00Z");
  });
});

describe("setCondition", () => {
  it("adds a new condition with the current time", () => {
    const list = setCondition(undefined, ready("False", "Creating"), t0);
    expect(list).toEqual([
      { ...ready("False", "Creating"), lastTransitionTime: "2026-01-01T10:00:00Z" },
    ]);
  });

  it("keeps lastTransitionTime when only the reason, message or generation change", () => {
    const first = setCondition([], ready("False", "Creating", "0/3 ready"), t0);
    const second = setCondition(
      first,
      { ...ready("False", "Scaling", "1/3 ready"), observedGeneration: 2 },
      t1,
    );
    expect(second).toEqual([
      {
        ...ready("False", "Scaling", "1/3 ready"),
        observedGeneration: 2,
        lastTransitionTime: "2026-01-01T10:00:00Z",
      },
    ]);
  });

  it("moves lastTransitionTime when the status changes", () => {
    const first = setCondition([], ready("False", "Creating"), t0);
    const second = setCondition(first, ready("True", "AllServersReady"), t1);
    expect(second[0]?.lastTransitionTime).toBe("2026-01-01T10:05:00Z");
    expect(second[0]?.status).toBe("True");
  });

  it("replaces in place, keeps other conditions and does not modify its input", () => {
    const before = setConditions(
      [],
      [
        ready("False", "Creating"),
        { type: "Progressing", status: "True", reason: "Creating", message: "" },
      ],
      t0,
    );
    const snapshot = structuredClone(before);
    const after = setCondition(before, ready("True", "AllServersReady"), t1);
    expect(after.map((condition) => condition.type)).toEqual(["Ready", "Progressing"]);
    expect(after[1]).toEqual(before[1]);
    expect(before).toEqual(snapshot);
  });
});

describe("setConditions", () => {
  it("sets each type once with its last value, so an override does not move an unchanged transition time", () => {
    const progressing = (status: Condition["status"], reason: string) => ({
      type: "Progressing",
      status,
      reason,
      message: "",
    });
    const stored = setConditions([], [progressing("False", "Late"), ready("False", "A")], t0);
    const again = setConditions(
      stored,
      [progressing("True", "RollingOut"), ready("False", "B"), progressing("False", "Late")],
      t1,
    );
    expect(again.map((c) => [c.type, c.status, c.reason, c.lastTransitionTime])).toEqual([
      ["Progressing", "False", "Late", "2026-01-01T10:00:00Z"],
      ["Ready", "False", "B", "2026-01-01T10:00:00Z"],
    ]);
  });
});

describe("findCondition / isConditionTrue", () => {
  const list = setConditions([], [ready("True", "AllServersReady")], t0);
  it("finds by type", () => {
    expect(findCondition(list, "Ready")?.reason).toBe("AllServersReady");
    expect(findCondition(list, "Paused")).toBeUndefined();
    expect(findCondition(undefined, "Ready")).toBeUndefined();
  });
  it("is true only for status True", () => {
    expect(isConditionTrue(list, "Ready")).toBe(true);
    expect(isConditionTrue(setCondition(list, ready("Unknown", "Lost"), t1), "Ready")).toBe(false);
    expect(isConditionTrue(list, "Paused")).toBe(false);
  });
});
