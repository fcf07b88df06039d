import { describe, expect, it } from "vitest";
import { CreateMySQLClusterRequestSchema } from "./mysql-clusters";
import { causesFromIssues } from "./errors";

describe("causesFromIssues", () => {
  it("gives dotted field paths that match the form's and Kubernetes' field names", () => {
    const result = CreateMySQLClusterRequestSchema.safeParse({
      metadata: { name: "Bad_Name" },
      spec: { replicas: 12, storage: { size: "ten" } },
    });
    expect(result.success).toBe(false);
    const fields = causesFromIssues(result.error?.issues ?? []).map((c) => c.field);
    expect(fields).toEqual(
      expect.arrayContaining(["metadata.name", "spec.replicas", "spec.storage.size"]),
    );
  });

  it("says a missing field 'is required' instead of zod's type wording, as the forms do", () => {
    const result = CreateMySQLClusterRequestSchema.safeParse({
      metadata: { name: "orders" },
      spec: { replicas: "three" },
    });
    const causes = causesFromIssues(result.error?.issues ?? []);
    expect(causes).toContainEqual({ field: "spec.storage", message: "is required" });
    expect(causes).toContainEqual({ field: "spec.replicas", message: "must be a whole number" });
  });

  it("leaves the field out for an issue about the whole body", () => {
    expect(causesFromIssues([{ path: [], message: "expected object" }])).toEqual([
      { field: undefined, message: "expected object" },
    ]);
  });
});
