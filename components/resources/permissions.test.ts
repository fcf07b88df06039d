import { describe, expect, it } from "vitest";
import { actionDecisionFor, decisionFor } from "./permissions";

describe("decisionFor", () => {
  const permissions = {
    namespace: "demo",
    mysqlclusters: {
      patch: { allowed: true, reason: "" },
      create: { allowed: false, reason: "Kubernetes RBAC does not allow bob" },
    },
  };

  it("passes the server's decision and reason through", () => {
    expect(decisionFor(permissions, "mysqlclusters", "patch", "MySQL clusters").allowed).toBe(true);
    expect(decisionFor(permissions, "mysqlclusters", "create", "MySQL clusters")).toEqual({
      allowed: false,
      reason: "Kubernetes RBAC does not allow bob",
    });
  });

  it("never allows what the server did not report, and says why", () => {
    const missing = decisionFor(permissions, "kafkatopics", "delete", "Kafka topics");
    expect(missing.allowed).toBe(false);
    expect(missing.reason).toMatch(/not known/);
    expect(decisionFor(undefined, "kafkatopics", "get", "Kafka topics").reason).toMatch(/Checking/);
  });
});

describe("actionDecisionFor", () => {
  it("reads the action's own decision, and nothing when the server reports no actions", () => {
    const refused = { allowed: false, reason: "it needs patch on mysqlclusters." };
    const permissions = { namespace: "demo", actions: { mysqlclusters: { stop: refused } } };
    expect(actionDecisionFor(permissions, "mysqlclusters", "stop")).toEqual(refused);
    expect(actionDecisionFor(permissions, "mysqlclusters", "start")).toBeUndefined();
    expect(actionDecisionFor({ namespace: "demo" }, "mysqlclusters", "stop")).toBeUndefined();
  });
});
