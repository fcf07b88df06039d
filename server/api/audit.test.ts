import { describe, expect, it } from "vitest";
import { kindByPlural, type KindInfo } from "@/lib/api/kinds";
import { audit, auditMessage, type AuditEntry } from "./audit";
import type { DashboardEvent, EventTarget } from "../kube/events";

const cluster = kindByPlural("mysqlclusters") as KindInfo;
const alice = {
  username: "alice@pilothouse.dev",
  email: "alice@pilothouse.dev",
  name: "Alice",
  groups: ["ops"],
};
const entry = (over: Partial<AuditEntry>): AuditEntry => ({
  user: alice,
  verb: "stop",
  kind: cluster,
  namespace: "demo",
  name: "orders",
  status: 200,
  uid: "u-1",
  ...over,
});

function recorder() {
  const recorded: [EventTarget, DashboardEvent][] = [];
  return {
    recorded,
    record: (t: EventTarget, e: DashboardEvent) => (recorded.push([t, e]), Promise.resolve()),
  };
}

describe("audit", () => {
  it("names the user in the Event's message, for successes and refusals", () => {
    expect(auditMessage(entry({}))).toBe(
      "alice@pilothouse.dev stopped MySQLCluster demo/orders through the dashboard",
    );
    expect(auditMessage(entry({ status: 409, code: "Conflict", verb: "backup" }))).toBe(
      "alice@pilothouse.dev was refused backup on MySQLCluster demo/orders: 409 Conflict",
    );
  });

  it("records a Normal Event for a change of an existing target only: never for a refusal or a dry run", async () => {
    const events = recorder();
    await audit(entry({}), events);
    await audit(entry({ status: 403, code: "Forbidden" }), events);
    await audit(entry({ uid: undefined, status: 404 }), events);
    await audit(entry({ verb: "create", status: 201, dryRun: true }), events);
    expect(events.recorded.map(([t, e]) => [t.uid, e.type, e.reason])).toEqual([
      ["u-1", "Normal", "DashboardStop"],
    ]);
  });

  it("never throws when the Event cannot be recorded", async () => {
    const failing = { record: () => Promise.reject(new Error("forbidden")) };
    await expect(audit(entry({}), failing)).resolves.toBeUndefined();
  });
});
