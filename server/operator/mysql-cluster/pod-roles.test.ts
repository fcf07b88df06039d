import { describe, expect, it } from "vitest";
import type { V1Pod } from "@kubernetes/client-node";
import type { MySQLInstanceStatus } from "@/lib/crds/mysql-replication";
import { roleLabelChanges } from "./pod-roles";

const pod = (name: string, role?: string, terminating = false): V1Pod => ({
  metadata: {
    name,
    labels: role ? { "pilothouse.dev/role": role } : {},
    ...(terminating ? { deletionTimestamp: new Date() } : {}),
  },
});
const instance = (
  name: string,
  role: MySQLInstanceStatus["role"],
  extra: Partial<MySQLInstanceStatus> = {},
): MySQLInstanceStatus => ({
  name,
  role,
  ready: true,
  reachable: true,
  readOnly: role !== "primary",
  ...extra,
});

describe("roleLabelChanges", () => {
  it("labels a new topology: primary and clean replicas; nothing for a broken replica", () => {
    const changes = roleLabelChanges(
      [pod("orders-0"), pod("orders-1"), pod("orders-2")],
      [
        instance("orders-0", "primary"),
        instance("orders-1", "replica"),
        instance("orders-2", "unknown"),
      ],
      "orders-0",
    );
    expect(changes).toEqual([
      { pod: "orders-1", role: "replica" },
      { pod: "orders-0", role: "primary" },
    ]);
  });

  it("after a failover, demotes the old primary before promoting the new one", () => {
    const changes = roleLabelChanges(
      [pod("orders-0", "primary"), pod("orders-1", "replica"), pod("orders-2", "replica")],
      [
        instance("orders-0", "unknown", { reachable: false }),
        instance("orders-1", "primary"),
        instance("orders-2", "replica"),
      ],
      "orders-1",
    );
    expect(changes).toEqual([
      { pod: "orders-0", role: null },
      { pod: "orders-1", role: "primary" },
    ]);
  });

  it("keeps, but never adds, the primary label on an unreachable recorded primary", () => {
    const unreachable = [instance("orders-0", "unknown", { reachable: false })];
    expect(roleLabelChanges([pod("orders-0", "primary")], unreachable, "orders-0")).toEqual([]);
    expect(roleLabelChanges([pod("orders-0")], unreachable, "orders-0")).toEqual([]);
  });

  it("takes the label off a primary that is reachable but read-only, and skips terminating pods", () => {
    const changes = roleLabelChanges(
      [pod("orders-0", "primary"), pod("orders-1", "replica", true)],
      [instance("orders-0", "primary", { readOnly: true })],
      "orders-0",
    );
    expect(changes).toEqual([{ pod: "orders-0", role: null }]);
  });
});
