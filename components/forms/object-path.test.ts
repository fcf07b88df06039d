import { describe, expect, it } from "vitest";
import { dotted, getAt, parseFieldPath, setAt } from "./object-path";

describe("parseFieldPath", () => {
  it("reads the apiserver's and zod's field paths alike", () => {
    expect(parseFieldPath("spec.replicas")).toEqual(["spec", "replicas"]);
    expect(parseFieldPath("spec.backup.storages[0].name")).toEqual([
      "spec",
      "backup",
      "storages",
      0,
      "name",
    ]);
    expect(parseFieldPath("spec.backup.storages.0.name")).toEqual(
      parseFieldPath("spec.backup.storages[0].name"),
    );
    expect(dotted(parseFieldPath("spec.configs[retention.ms]"))).toBe("spec.configs.retention.ms");
    expect(parseFieldPath("")).toEqual([]);
  });
});

describe("getAt / setAt", () => {
  const document = { metadata: { name: "a" }, spec: { storage: { size: "1Gi" }, items: [1, 2] } };

  it("reads nested values and arrays, and undefined off the path", () => {
    expect(getAt(document, ["spec", "storage", "size"])).toBe("1Gi");
    expect(getAt(document, ["spec", "items", 1])).toBe(2);
    expect(getAt(document, ["spec", "missing", "x"])).toBeUndefined();
  });

  it("writes without modifying the input, creating objects and arrays on the way", () => {
    const next = setAt(document, ["spec", "backup", "storages", 0, "name"], "s3");
    expect(next.spec).toMatchObject({ backup: { storages: [{ name: "s3" }] } });
    expect(document.spec).not.toHaveProperty("backup");
  });

  it("removes a cleared key, and an emptied optional ancestor, but not a required one", () => {
    const withResources = setAt(document, ["spec", "resources", "limits", "cpu"], "1");
    const optional = setAt(
      withResources,
      ["spec", "resources", "limits", "cpu"],
      undefined,
      () => false,
    );
    expect(optional.spec).not.toHaveProperty("resources");
    const required = setAt(withResources, ["spec", "resources", "limits", "cpu"], undefined);
    expect(required.spec).toMatchObject({ resources: { limits: {} } });
  });

  it("splices an array item out", () => {
    expect(getAt(setAt(document, ["spec", "items", 0], undefined), ["spec", "items"])).toEqual([2]);
  });
});
