import { describe, expect, it } from "vitest";
import { z } from "zod";
import { KafkaTopicSpecSchema } from "@/lib/crds/kafka-topic";
import { MySQLClusterSpecSchema } from "@/lib/crds/mysql-cluster";
import {
  alternativeIndexFor,
  fieldKindOf,
  humanize,
  immutableReason,
  initialValueOf,
  isRequiredAt,
  nodeAt,
  specJsonSchema,
  type SchemaNode,
} from "./schema-node";

describe("specJsonSchema and fieldKindOf", () => {
  const spec = specJsonSchema(MySQLClusterSpecSchema);

  it("classifies the MySQLCluster spec's fields as the form shows them", () => {
    expect(fieldKindOf(spec)).toBe("object");
    expect(fieldKindOf(nodeAt(spec, ["engine"]) ?? {})).toBe("enum");
    expect(fieldKindOf(nodeAt(spec, ["replicas"]) ?? {})).toBe("integer");
    expect(fieldKindOf(nodeAt(spec, ["stopped"]) ?? {})).toBe("boolean");
    expect(fieldKindOf(nodeAt(spec, ["storage"]) ?? {})).toBe("object");
    expect(fieldKindOf(nodeAt(spec, ["mycnf"]) ?? {})).toBe("map");
    expect(fieldKindOf(nodeAt(spec, ["backup", "storages"]) ?? {})).toBe("array");
    expect(nodeAt(spec, ["backup", "storages", 0, "s3", "bucket"])?.type).toBe("string");
    expect(nodeAt(spec, ["mycnf", "max_connections"])?.type).toBe("string");
  });

  it("recognises int-or-string, both as the Kubernetes extension and as a zod union", () => {
    expect(fieldKindOf({ "x-kubernetes-int-or-string": true })).toBe("int-or-string");
    const union = specJsonSchema(z.object({ port: z.union([z.int(), z.string()]) }));
    expect(fieldKindOf(nodeAt(union, ["port"]) ?? {})).toBe("int-or-string");
  });

  it("shows any other union as an anyOf with alternatives chosen by the value's type", () => {
    const schema = specJsonSchema(
      z.object({ source: z.union([z.string(), z.object({ secret: z.string() })]) }),
    );
    const source = nodeAt(schema, ["source"]) ?? {};
    expect(fieldKindOf(source)).toBe("any-of");
    expect(alternativeIndexFor(source, "x")).toBe(0);
    expect(alternativeIndexFor(source, { secret: "s" })).toBe(1);
  });
});

describe("initialValueOf", () => {
  it("pre-fills defaults and required sections, and leaves optional sections out", () => {
    const initial = initialValueOf(specJsonSchema(MySQLClusterSpecSchema));
    expect(initial).toMatchObject({
      engine: "mysql",
      replicas: 3,
      stopped: false,
      deletionPolicy: "Retain",
      storage: {},
    });
    expect(initial).not.toHaveProperty("backup");
    expect(initialValueOf(specJsonSchema(KafkaTopicSpecSchema))).toEqual({
      partitions: 1,
      replicationFactor: 1,
    });
  });
});

describe("isRequiredAt and humanize", () => {
  const spec: SchemaNode = specJsonSchema(KafkaTopicSpecSchema);
  it("says which properties the schema requires", () => {
    expect(isRequiredAt(spec, ["clusterName"])).toBe(true);
    expect(isRequiredAt(spec, ["configs"])).toBe(false);
  });
  it("turns property names into labels", () => {
    expect(humanize("storageClassName")).toBe("Storage class name");
    expect(humanize("replicationFactor")).toBe("Replication factor");
    expect(humanize("s3")).toBe("S3");
    expect(humanize("caBundleSecretRef")).toBe("CA bundle secret ref");
  });
});

describe("initialValueOf of defaulted sections and immutableReason", () => {
  const spec = specJsonSchema(MySQLClusterSpecSchema);

  it("fills a section defaulted to {} with its fields' defaults, as the apiserver will", () => {
    expect(initialValueOf(spec)).toMatchObject({
      failover: { enabled: true, unreachableSeconds: 30 },
    });
  });

  it("finds fields that cannot change by their self == oldSelf rule or their description", () => {
    expect(immutableReason(nodeAt(spec, ["engine"]))).toMatch(/cannot change once the cluster/);
    expect(immutableReason(nodeAt(spec, ["storage", "size"]))).toMatch(/cannot change/);
    expect(immutableReason(nodeAt(spec, ["storage", "storageClassName"]))).toBeDefined();
    expect(immutableReason(nodeAt(spec, ["replicas"]))).toBeUndefined();
    expect(immutableReason(undefined)).toBeUndefined();
  });
});
