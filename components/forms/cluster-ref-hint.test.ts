import { describe, expect, it } from "vitest";
import { clusterRefHint } from "./cluster-ref-hint";

describe("clusterRefHint", () => {
  it("lists the namespace's clusters, and says when the typed one is not among them", () => {
    const names = ["orders", "billing"];
    expect(clusterRefHint("MySQLCluster", "demo", "", names)).toBe(
      "MySQLClusters in namespace demo: billing, orders.",
    );
    expect(clusterRefHint("MySQLCluster", "demo", "orders", names)).toBe(
      "MySQLCluster orders, in namespace demo.",
    );
    expect(clusterRefHint("KafkaCluster", "demo", "ordres", names)).toBe(
      "KafkaCluster ordres does not exist in namespace demo; it has billing, orders.",
    );
    expect(clusterRefHint("KafkaCluster", "demo", "x", [])).toBe(
      "There is no KafkaCluster in namespace demo yet.",
    );
  });

  it("says nothing of its own before the names are known, and shortens a long list", () => {
    expect(clusterRefHint("MySQLCluster", "demo", "", undefined)).toBeUndefined();
    const many = Array.from({ length: 10 }, (_, i) => `c${i}`);
    expect(clusterRefHint("MySQLCluster", "demo", "", many)).toBe(
      "MySQLClusters in namespace demo: c0, c1, c2, c3, c4, c5, c6, c7 and 2 more.",
    );
  });
});
