import type { ResolverOptions } from "react-hook-form";
import { describe, expect, it } from "vitest";
import {
  CreateMySQLClusterRequestSchema,
  type CreateMySQLClusterInput,
} from "@/lib/api/mysql-clusters";
import { apiSchemaResolver } from "./form-resolver";

const options: ResolverOptions<CreateMySQLClusterInput> = {
  fields: {},
  shouldUseNativeValidation: false,
};

describe("apiSchemaResolver", () => {
  const resolve = apiSchemaResolver(CreateMySQLClusterRequestSchema);

  it("gives one message per field, as the API does (replicas 1e308, zero storage)", async () => {
    const values = {
      metadata: { name: "a".repeat(53), namespace: "demo" },
      spec: { replicas: 1e308, storage: { size: "0Gi" } },
    };
    const result = await resolve(values, undefined, options);
    expect(result.errors).toMatchObject({
      metadata: { name: { message: "must be at most 52 characters" } },
      spec: {
        replicas: { message: "must be at most 9" },
        storage: { size: { message: "must be greater than zero, e.g. 10Gi" } },
      },
    });
  });

  it("returns the parsed request when valid", async () => {
    const values = { metadata: { name: "orders" }, spec: { storage: { size: "1Gi" } } };
    const result = await resolve(values, undefined, options);
    expect(result.errors).toEqual({});
    expect(result.values).toMatchObject({ spec: { replicas: 3, engine: "mysql" } });
  });
});
