import { describe, expect, it } from "vitest";
import type { Condition } from "@/lib/crds/common";
import { restorePhase, restoreTransitionEvents } from "./status";

const condition = (type: string, status: Condition["status"], reason: string): Condition => ({
  type,
  status,
  reason,
  message: reason,
  lastTransitionTime: "2026-01-01T00:00:00Z",
});

describe("restorePhase", () => {
  it.each([
    [[], "Pending"],
    [[condition("Progressing", "False", "WaitingForBackup")], "Pending"],
    [[condition("Progressing", "False", "WaitingForCluster")], "Pending"],
    [[condition("Progressing", "True", "Restoring")], "Running"],
    [
      [
        condition("Progressing", "False", "ClusterStopped"),
        condition("Ready", "False", "ClusterStopped"),
      ],
      "Failed",
    ],
    [
      [condition("Progressing", "False", "Restored"), condition("Ready", "True", "Restored")],
      "Succeeded",
    ],
  ] as const)("%j → %s", (conditions, phase) => {
    expect(restorePhase([...conditions])).toBe(phase);
  });
});

describe("restoreTransitionEvents", () => {
  it("records a step change and a change of WritesStopped, and nothing when neither changes", () => {
    const running = {
      phase: "Running" as const,
      conditions: [condition("Progressing", "True", "CreatingCluster")],
    };
    const restoring = {
      phase: "Running" as const,
      conditions: [
        condition("Progressing", "True", "Restoring"),
        condition("WritesStopped", "True", "StoppedForRestore"),
      ],
    };
    expect(restoreTransitionEvents(running, restoring).map((e) => [e.type, e.reason])).toEqual([
      ["Normal", "Restoring"],
      ["Normal", "WritesStopped"],
    ]);
    expect(restoreTransitionEvents(restoring, restoring)).toEqual([]);
  });

  it("a failure is a Warning carrying the error", () => {
    const failed = {
      phase: "Failed" as const,
      error: { code: "ClusterStopped", message: "spec.target.clusterName: stopped" },
      conditions: [condition("Progressing", "False", "ClusterStopped")],
    };
    expect(restoreTransitionEvents(undefined, failed)).toEqual([
      {
        type: "Warning",
        reason: "Failed",
        message: "ClusterStopped: spec.target.clusterName: stopped",
      },
    ]);
  });
});
