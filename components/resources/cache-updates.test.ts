import { describe, expect, it } from "vitest";
import { applyChange, listFromSnapshot } from "./cache-updates";
import type { Resource } from "./model";

const topic = (name: string, rv: string, namespace = "demo"): Resource => ({
  apiVersion: "kafka.pilothouse.dev/v1alpha1",
  kind: "KafkaTopic",
  metadata: { name, namespace, resourceVersion: rv },
  spec: { clusterName: "events" },
});

describe("listFromSnapshot", () => {
  it("keeps exactly the snapshot's items, sorted by namespace then name", () => {
    const list = listFromSnapshot({
      resourceVersion: "9",
      items: [topic("b", "1"), topic("a", "2", "prod"), topic("a", "3")],
    });
    expect(list.items.map((t) => `${t.metadata.namespace}/${t.metadata.name}`)).toEqual([
      "demo/a",
      "demo/b",
      "prod/a",
    ]);
    expect(list.resourceVersion).toBe("9");
  });
});

describe("applyChange", () => {
  const start = listFromSnapshot({
    resourceVersion: "5",
    items: [topic("a", "1"), topic("c", "2")],
  });

  it("inserts an added object in order and takes the event's resourceVersion", () => {
    const next = applyChange(start, { type: "ADDED", object: topic("b", "6") }, "6");
    expect(next.items.map((t) => t.metadata.name)).toEqual(["a", "b", "c"]);
    expect(next.resourceVersion).toBe("6");
  });

  it("replaces a modified object in place and removes a deleted one", () => {
    const modified = applyChange(start, { type: "MODIFIED", object: topic("c", "7") }, "7");
    expect(modified.items[1]?.metadata.resourceVersion).toBe("7");
    const deleted = applyChange(modified, { type: "DELETED", object: topic("a", "8") }, "8");
    expect(deleted.items.map((t) => t.metadata.name)).toEqual(["c"]);
    expect(start.items).toHaveLength(2);
  });

  it("treats resourceVersions as opaque: a smaller-looking one still applies", () => {
    const next = applyChange(start, { type: "MODIFIED", object: topic("a", "10") }, "10");
    expect(
      applyChange(next, { type: "MODIFIED", object: topic("a", "9") }, "9").items[0]?.metadata
        .resourceVersion,
    ).toBe("9");
  });
});
