import { describe, expect, it } from "vitest";
import { hintOf } from "./field-hint";

describe("hintOf", () => {
  it("ends a read-only reason with one period, whether or not it has one", () => {
    const node = { description: "Server engine and version." };
    expect(hintOf(node, "clusterName is immutable in namespace demo.")).toBe(
      "Read-only: clusterName is immutable in namespace demo. Server engine and version.",
    );
    expect(hintOf(node, "clusterName is immutable in namespace demo")).toBe(
      "Read-only: clusterName is immutable in namespace demo. Server engine and version.",
    );
  });

  it("gives the description alone for an editable field, nothing when there is neither", () => {
    expect(hintOf({ description: "Server engine and version." }, undefined)).toBe(
      "Server engine and version.",
    );
    expect(hintOf({}, undefined)).toBeUndefined();
    expect(hintOf({}, "immutable!")).toBe("Read-only: immutable!");
  });
});
