import { describe, expect, it } from "vitest";
import { identityFromClaims } from "./identity";

describe("identityFromClaims", () => {
  it("uses the email as the Kubernetes user and keeps the groups in order", () => {
    const identity = identityFromClaims({
      sub: "dana",
      email: "Dana@Pilothouse.dev",
      name: "Dana Payments",
      groups: ["team-payments", "pilothouse:operators"],
    });
    expect(identity).toEqual({
      username: "dana@pilothouse.dev",
      email: "dana@pilothouse.dev",
      name: "Dana Payments",
      groups: ["team-payments", "pilothouse:operators"],
    });
  });

  it("drops reserved system: groups and duplicates", () => {
    const identity = identityFromClaims({
      email: "eve@pilothouse.dev",
      groups: ["system:masters", "a", "a", "system:authenticated"],
    });
    expect(identity?.groups).toEqual(["a"]);
  });

  it("refuses claims without an email, and reserved user names", () => {
    expect(identityFromClaims({ sub: "x", groups: ["a"] })).toBeNull();
    expect(identityFromClaims({ email: "not-an-email" })).toBeNull();
    expect(identityFromClaims(null)).toBeNull();
  });

  it("falls back to preferred_username, then the email, for the display name", () => {
    expect(identityFromClaims({ email: "a@b.dev", preferred_username: "ab" })?.name).toBe("ab");
    expect(identityFromClaims({ email: "a@b.dev", groups: null })).toMatchObject({
      name: "a@b.dev",
      groups: [],
    });
  });
});
