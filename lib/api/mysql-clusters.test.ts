import { describe, expect, it } from "vitest";
import { causesFromIssues } from "./errors";
import { CreateMySQLClusterRequestSchema } from "./mysql-clusters";

const valid = { metadata: { name: "orders" }, spec: { storage: { size: "10Gi" } } };

/** The causes the API would answer for `body`, or `[]` when it is accepted. */
const causesOf = (body: unknown) => {
  const result = CreateMySQLClusterRequestSchema.safeParse(body);
  return result.success ? [] : causesFromIssues(result.error.issues);
};

describe("CreateMySQLClusterRequestSchema", () => {
  it("accepts a minimal body", () => {
    expect(causesOf(valid)).toEqual([]);
  });

  it.each([
    [{ ...valid, extra: 1 }, "extra"],
    [{ ...valid, metadata: { name: "orders", uid: "x" } }, "metadata.uid"],
    [{ ...valid, spec: { ...valid.spec, replica: 5 } }, "spec.replica"],
    [{ ...valid, spec: { storage: { size: "10Gi", sizee: "20Gi" } } }, "spec.storage.sizee"],
  ])("refuses an unknown field instead of dropping it (%#: %s)", (body, field) => {
    expect(causesOf(body)).toContainEqual({ field, message: "unknown field" });
  });

  it("passes valid labels and annotations through", () => {
    const metadata = {
      name: "orders",
      labels: { "app.kubernetes.io/name": "orders", team: "" },
      annotations: { "example.com/owner": "Team Orders <orders@example.com>" },
    };
    const result = CreateMySQLClusterRequestSchema.parse({ ...valid, metadata });
    expect(result.metadata).toEqual(metadata);
  });

  it("refuses labels Kubernetes would refuse, with the label's path", () => {
    const labels = { "bad key!": "x", ok: "no spaces allowed", "Example.com/x": "y" };
    const fields = causesOf({ ...valid, metadata: { name: "orders", labels } }).map((c) => c.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        "metadata.labels.bad key!",
        "metadata.labels.ok",
        "metadata.labels.Example.com/x",
      ]),
    );
  });

  it("names clusters by the CRD's rule: 52 characters, leading letter", () => {
    expect(causesOf({ ...valid, metadata: { name: "a".repeat(52) } })).toEqual([]);
    expect(causesOf({ ...valid, metadata: { name: "a".repeat(53) } })).toEqual([
      { field: "metadata.name", message: "must be at most 52 characters" },
    ]);
    expect(causesOf({ ...valid, metadata: { name: "9lives" } })[0]?.field).toBe("metadata.name");
  });

  it("gives one error for replicas 1e308", () => {
    expect(causesOf({ ...valid, spec: { ...valid.spec, replicas: 1e308 } })).toEqual([
      { field: "spec.replicas", message: "must be at most 9" },
    ]);
  });
});

describe("storage size", () => {
  it("says a zero size must be greater than zero, once", () => {
    expect(causesOf({ ...valid, spec: { storage: { size: "0Gi" } } })).toEqual([
      { field: "spec.storage.size", message: "must be greater than zero, e.g. 10Gi" },
    ]);
  });

  it("keeps the CRD's quantity rule for other malformed sizes", () => {
    expect(causesOf({ ...valid, spec: { storage: { size: "ten" } } })[0]?.message).toMatch(
      /quantity such as 10Gi/,
    );
  });
});
