import { describe, expect, it } from "vitest";
import { decide } from "./permissions";

describe("decide", () => {
  const bob = { username: "bob@pilothouse.dev", groups: ["pilothouse:viewers"] };

  it("says nothing when allowed", () => {
    expect(decide(true, "create", "demo", bob)).toEqual({ allowed: true, reason: "" });
  });

  it("explains a refusal with the user, groups, action and namespace", () => {
    const { allowed, reason } = decide(false, "create", "demo", bob);
    expect(allowed).toBe(false);
    expect(reason).toBe(
      "Kubernetes RBAC does not allow bob@pilothouse.dev (groups: pilothouse:viewers) to create MySQL clusters in namespace demo.",
    );
    expect(decide(false, "update", "demo", { ...bob, groups: [] }).reason).toContain(
      "(groups: none) to edit",
    );
  });
});
