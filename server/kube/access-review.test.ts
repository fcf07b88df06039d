import { describe, expect, it } from "vitest";
import { rulesAllow } from "./access-review";

const ref = { group: "mysql.pilothouse.dev", resource: "mysqlclusters" };

describe("rulesAllow", () => {
  const view = {
    verbs: ["get", "list", "watch"],
    apiGroups: ["mysql.pilothouse.dev"],
    resources: ["*"],
  };

  it("grants the verbs of a matching rule, with * wildcards", () => {
    expect(rulesAllow([view], ref, "list")).toBe(true);
    expect(rulesAllow([view], ref, "create")).toBe(false);
    expect(rulesAllow([{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }], ref, "delete")).toBe(
      true,
    );
  });

  it("does not mix up groups or resources", () => {
    const other = {
      verbs: ["create"],
      apiGroups: ["kafka.pilothouse.dev"],
      resources: ["mysqlclusters"],
    };
    const core = { verbs: ["create"], apiGroups: [""], resources: ["*"] };
    expect(rulesAllow([other, core], ref, "create")).toBe(false);
  });

  it("ignores rules limited to resourceNames (they cannot create or list)", () => {
    const named = {
      verbs: ["create", "list"],
      apiGroups: ["*"],
      resources: ["*"],
      resourceNames: ["x"],
    };
    expect(rulesAllow([named], ref, "create")).toBe(false);
  });

  it("grants nothing without rules", () => {
    expect(rulesAllow([], ref, "get")).toBe(false);
  });
});
