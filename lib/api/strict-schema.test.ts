import { describe, expect, it } from "vitest";
import { z } from "zod";
import { MySQLClusterSpecSchema } from "../crds/mysql-cluster";
import { strictDeep } from "./strict-schema";

describe("strictDeep", () => {
  const strict = strictDeep(MySQLClusterSpecSchema);

  it("refuses unknown fields at every depth, with their paths", () => {
    const result = strict.safeParse({
      storage: { size: "1Gi", sizee: "2Gi" },
      failover: { enabled: true, after: 3 },
      backup: {
        storages: [
          { name: "main", s3: { bucket: "b", credentialsSecretRef: { name: "s" }, colour: 1 } },
        ],
      },
      replica: 2,
    });
    const unknown = result.error?.issues
      .filter((i) => i.code === "unrecognized_keys")
      .map((i) => [...i.path, ...(i as { keys: string[] }).keys].join("."));
    expect(unknown?.sort()).toEqual([
      "backup.storages.0.s3.colour",
      "failover.after",
      "replica",
      "storage.sizee",
    ]);
  });

  it("keeps defaults, checks (superRefine) and the original's metadata", () => {
    expect(strict.parse({ storage: { size: "1Gi" } })).toEqual(
      MySQLClusterSpecSchema.parse({ storage: { size: "1Gi" } }),
    );
    const refined = strict.safeParse({
      storage: { size: "1Gi" },
      deletionPolicy: "BackupThenDelete",
    });
    expect(refined.error?.issues[0]?.path).toEqual(["deletionPolicy"]);
    const original = z.toJSONSchema(MySQLClusterSpecSchema, {
      io: "input",
      unrepresentable: "any",
    });
    const copy = z.toJSONSchema(strict, { io: "input", unrepresentable: "any" });
    expect(copy.description).toBe(original.description);
    expect(copy["x-kubernetes-validations"]).toEqual(original["x-kubernetes-validations"]);
    expect(copy.additionalProperties).toBe(false);
    expect(original.additionalProperties).not.toBe(false);
  });

  it("leaves the CRD schema itself tolerant", () => {
    expect(MySQLClusterSpecSchema.safeParse({ storage: { size: "1Gi" }, extra: 1 }).success).toBe(
      true,
    );
  });
});
