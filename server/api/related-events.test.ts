import type { V1PersistentVolumeClaim, V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { EventSummary } from "@/lib/api/related";
import { byLastSeen } from "./related";
import {
  claimNamesOf,
  eventFieldSelector,
  EVENTS_LIMIT,
  involvedObjects,
  newestEvents,
  RELATED_OBJECTS_LIMIT,
} from "./related-events";

const pod = (name: string, claim?: string): V1Pod => ({
  metadata: { name },
  spec: {
    containers: [],
    volumes: claim ? [{ name: "data", persistentVolumeClaim: { claimName: claim } }] : [],
  },
});
const pvc = (name: string): V1PersistentVolumeClaim => ({ metadata: { name } });

describe("involvedObjects", () => {
  it("names the object, its pods and the PVCs found by label or mounted by the pods, once each", () => {
    const own = { kind: "MySQLCluster", name: "orders" };
    expect(
      involvedObjects(
        own,
        [pod("orders-1", "data-orders-1"), pod("orders-0", "data-orders-0")],
        [pvc("data-orders-0"), pvc("data-orders-2")],
      ),
    ).toEqual([
      own,
      { kind: "Pod", name: "orders-0" },
      { kind: "Pod", name: "orders-1" },
      { kind: "PersistentVolumeClaim", name: "data-orders-0" },
      { kind: "PersistentVolumeClaim", name: "data-orders-1" },
      { kind: "PersistentVolumeClaim", name: "data-orders-2" },
    ]);
    expect(claimNamesOf([pod("a", "c-a"), pod("b")])).toEqual(["c-a"]);
  });

  it("bounds the pods and PVCs it reads Events of", () => {
    const pods = Array.from({ length: 50 }, (_, i) => pod(`p-${String(i).padStart(2, "0")}`));
    const objects = involvedObjects({ kind: "KafkaCluster", name: "events" }, pods, []);
    expect(objects).toHaveLength(1 + RELATED_OBJECTS_LIMIT);
  });

  it("selects an object's Events by kind and name", () => {
    expect(eventFieldSelector({ kind: "Pod", name: "orders-0" })).toBe(
      "involvedObject.kind=Pod,involvedObject.name=orders-0",
    );
  });
});

describe("newestEvents", () => {
  const event = (name: string, lastSeen: string): EventSummary => ({
    type: "Warning",
    reason: "R",
    message: "",
    count: 1,
    lastSeen,
    involvedKind: "Pod",
    involvedName: name,
  });

  it("merges the lists newest first and keeps the newest EVENTS_LIMIT", () => {
    const old = Array.from({ length: EVENTS_LIMIT }, (_, i) =>
      event(`old-${i}`, `2026-01-01T00:${String(i % 60).padStart(2, "0")}:00Z`),
    );
    const merged = newestEvents([old, [event("new", "2026-01-02T00:00:00Z")]], byLastSeen);
    expect(merged).toHaveLength(EVENTS_LIMIT);
    expect(merged[0]?.involvedName).toBe("new");
  });
});
