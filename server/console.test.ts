import { describe, expect, it } from "vitest";
import { safeReturnPath } from "./console";

describe("safeReturnPath", () => {
  it("keeps same-origin paths with their query", () => {
    expect(safeReturnPath("/mysqlclusters?namespace=demo")).toBe("/mysqlclusters?namespace=demo");
    expect(safeReturnPath(["/a", "/b"])).toBe("/a");
  });

  it("refuses anything that could leave the site", () => {
    for (const bad of [
      "https://evil.example",
      "//evil.example",
      "/\\evil.example",
      "",
      undefined,
    ]) {
      expect(safeReturnPath(bad)).toBe("/");
    }
  });
});
