import { describe, expect, it } from "vitest";
import {
  applyChangeToDetail,
  applyChangeToList,
  deletionAfterChange,
  listFromSnapshot,
  withResourceVersion,
} from "./cache-updates";
import { cluster } from "./test-fixtures";

const names = (list: { items: { metadata: { name: string } }[] }) =>
  list.items.map((i) => i.metadata.name);

describe("cache updates from watch events", () => {
  const base = listFromSnapshot({
    resourceVersion: "10",
    items: [cluster("b", "5"), cluster("a", "4")],
  });

  it("takes a snapshot as the whole list, sorted", () => {
    expect(names(base)).toEqual(["a", "b"]);
    expect(base.resourceVersion).toBe("10");
  });

  it("inserts ADDED in order and moves the list's resourceVersion to the event's", () => {
    const next = applyChangeToList(base, { type: "ADDED", object: cluster("ab", "11") }, "11");
    expect(names(next)).toEqual(["a", "ab", "b"]);
    expect(next.resourceVersion).toBe("11");
    expect(names(base)).toEqual(["a", "b"]); // not mutated
  });

  it("replaces the one object on MODIFIED, whatever its resourceVersion looks like", () => {
    const ready = cluster("a", "9", { status: { phase: "Ready", readyReplicas: 3 } });
    const next = applyChangeToList(base, { type: "MODIFIED", object: ready }, "9");
    expect(next.items).toHaveLength(2);
    expect(next.items[0]?.status?.phase).toBe("Ready");
    expect(next.items[1]).toBe(base.items[1]); // the other object is untouched
  });

  it("is idempotent for an object the client already inserted itself", () => {
    const once = applyChangeToList(base, { type: "ADDED", object: cluster("c", "12") }, "10");
    const twice = applyChangeToList(once, { type: "ADDED", object: cluster("c", "12") }, "12");
    expect(names(twice)).toEqual(["a", "b", "c"]);
  });

  it("removes DELETED objects; the detail becomes null", () => {
    const gone = { type: "DELETED" as const, object: cluster("a", "13") };
    expect(names(applyChangeToList(base, gone, "13"))).toEqual(["b"]);
    expect(applyChangeToDetail(gone)).toBeNull();
    expect(
      applyChangeToDetail({ type: "MODIFIED", object: cluster("a", "14") })?.metadata
        .resourceVersion,
    ).toBe("14");
  });

  it("moves only the resourceVersion on a bookmark", () => {
    const next = withResourceVersion(base, "99");
    expect(next.items).toBe(base.items);
    expect(next.resourceVersion).toBe("99");
  });

  it("records a deletion, and clears it when the object comes back under the same name", () => {
    expect(deletionAfterChange({ type: "DELETED" }, 1_000)).toEqual({ deletedAt: 1_000 });
    expect(deletionAfterChange({ type: "ADDED" }, 2_000)).toBeNull();
    expect(deletionAfterChange({ type: "MODIFIED" }, 3_000)).toBeNull();
  });
});
