import { z } from "zod";
import { describe, expect, it } from "vitest";
import { plainIssue } from "@/lib/api/errors";
import { kindByPlural, type KindInfo } from "@/lib/api/kinds";
import { ApiRequestError } from "../api/fetch-json";
import { setAt } from "./object-path";
import {
  editableDocument,
  followFieldChange,
  kindLabel,
  newDocument,
  requestSchemaFor,
  serverFieldErrors,
  validateDocument,
} from "./resource-document";

const kind = (plural: string): KindInfo => {
  const found = kindByPlural(plural);
  if (!found) throw new Error(plural);
  return found;
};

describe("newDocument", () => {
  it("starts a MySQLCluster from the CRD's defaults and a storage size", () => {
    const document = newDocument(kind("mysqlclusters"), "demo");
    expect(document).toMatchObject({
      apiVersion: "mysql.pilothouse.dev/v1alpha1",
      kind: "MySQLCluster",
      metadata: { name: "", namespace: "demo" },
      spec: { engine: "mysql", replicas: 3, storage: { size: "10Gi" } },
    });
  });

  it("names every required field of a new object, empty, so its YAML shows what to fill", () => {
    expect(newDocument(kind("kafkausers"), "demo").spec).toMatchObject({ clusterName: "" });
    expect(newDocument(kind("kafkatopics"), "demo").spec).toMatchObject({ clusterName: "" });
    const backup = newDocument(kind("mysqlbackups"), "demo").spec;
    expect(backup).toMatchObject({ clusterName: "", storageName: "" });
    // Optional strings without a default stay absent: a restore's target is one of two.
    const restore = newDocument(kind("mysqlrestores"), "demo").spec;
    expect(restore).toEqual({ backupName: "", target: {} });
    // An untouched required field is still refused on its path.
    const schema = requestSchemaFor(kind("kafkausers"), "create");
    const errors = validateDocument(schema, newDocument(kind("kafkausers"), "demo"));
    expect(errors["spec.clusterName"]).toBeDefined();
  });
});

describe("validateDocument", () => {
  it("names each invalid field by its path, as the API would", () => {
    const schema = requestSchemaFor(kind("mysqlclusters"), "create");
    const document = newDocument(kind("mysqlclusters"), "demo");
    const errors = validateDocument(schema, {
      ...document,
      metadata: { name: "Not_A_Name", namespace: "demo" },
      spec: { ...(document.spec as object), replicas: 12, storage: { size: "0Gi" } },
    });
    expect(errors["metadata.name"]).toMatch(/must start with a lower case letter/);
    expect(errors["spec.replicas"]).toBe("must be at most 9");
    expect(errors["spec.storage.size"]).toMatch(/greater than zero/);
  });

  it("refuses unknown fields, as the API does, and keeps the resourceVersion of an update", () => {
    const schema = requestSchemaFor(kind("kafkatopics"), "update");
    const errors = validateDocument(schema, {
      metadata: { name: "orders", namespace: "demo", resourceVersion: "7" },
      spec: { clusterName: "events", partition: 3 },
    });
    expect(errors).toEqual({ "spec.partition": "unknown field" });
  });
});

describe("editableDocument", () => {
  it("keeps the spec, the user's metadata and the resourceVersion; drops status", () => {
    expect(
      editableDocument({
        apiVersion: "kafka.pilothouse.dev/v1alpha1",
        kind: "KafkaTopic",
        metadata: {
          name: "t",
          namespace: "demo",
          uid: "u",
          resourceVersion: "42",
          labels: { a: "b" },
        },
        spec: { clusterName: "c" },
        status: { phase: "Ready" },
      }),
    ).toEqual({
      apiVersion: "kafka.pilothouse.dev/v1alpha1",
      kind: "KafkaTopic",
      metadata: { name: "t", namespace: "demo", labels: { a: "b" }, resourceVersion: "42" },
      spec: { clusterName: "c" },
    });
  });
});

describe("serverFieldErrors", () => {
  it("puts the apiserver's causes on their fields, brackets normalised", () => {
    const err = new ApiRequestError({
      status: 422,
      code: "Invalid",
      message: 'MySQLCluster.mysql.pilothouse.dev "a" is invalid',
      causes: [
        { field: "spec.storage.size", message: "cannot change yet" },
        { field: "spec.backup.storages[0].name", message: "Duplicate value" },
        { message: "no field" },
      ],
    });
    const errors = serverFieldErrors(err, "MySQL cluster");
    expect(errors["spec.storage.size"]).toBe("cannot change yet");
    expect(errors["spec.backup.storages.0.name"]).toBe("Duplicate value");
    expect(errors[""]).toContain("no field");
  });

  it("says a taken name on the name field", () => {
    const err = new ApiRequestError({ status: 409, code: "AlreadyExists", message: "exists" });
    expect(serverFieldErrors(err, "Kafka topic")["metadata.name"]).toBe(
      "a Kafka topic with this name exists",
    );
  });
});

describe("kindLabel", () => {
  it("names kinds in words", () => {
    expect(kindLabel({ kind: "MySQLCluster" })).toBe("MySQL cluster");
    expect(kindLabel({ kind: "KafkaTopic" })).toBe("Kafka topic");
  });
});

describe("newDocument and KRaft modes", () => {
  it("starts a KafkaCluster that passes validation with its defaults (mode combined, one pool)", () => {
    const document = newDocument(kind("kafkaclusters"), "demo");
    expect(document).toMatchObject({
      spec: { kraft: { mode: "combined", combined: { replicas: 3, storage: { size: "10Gi" } } } },
    });
    const schema = requestSchemaFor(kind("kafkaclusters"), "create");
    const errors = validateDocument(schema, {
      ...document,
      metadata: { name: "events", namespace: "demo" },
    });
    expect(errors).toEqual({});
  });

  it("switches the pools with the mode, keeping pools the user already filled", () => {
    const document = newDocument(kind("kafkaclusters"), "demo");
    const separate = followFieldChange(
      "kafkaclusters",
      setAt(document, ["spec", "kraft", "mode"], "separate"),
      ["spec", "kraft", "mode"],
    );
    const kraft = (separate.spec as { kraft: Record<string, unknown> }).kraft;
    expect(kraft.combined).toBeUndefined();
    expect(kraft.controllers).toEqual({ replicas: 3, storage: { size: "10Gi" } });
    expect(kraft.brokers).toEqual({ replicas: 3, storage: { size: "10Gi" } });
    const edited = setAt(separate, ["spec", "kraft", "brokers", "replicas"], 5);
    const back = followFieldChange(
      "kafkaclusters",
      setAt(edited, ["spec", "kraft", "mode"], "combined"),
      ["spec", "kraft", "mode"],
    );
    expect(Object.keys((back.spec as { kraft: object }).kraft).sort()).toEqual([
      "combined",
      "mode",
    ]);
    const other = setAt(document, ["spec", "kraft", "mode"], "separate");
    expect(followFieldChange("kafkaclusters", other, ["spec", "replicas"])).toBe(other);
    expect(followFieldChange("mysqlclusters", other, ["spec", "kraft", "mode"])).toBe(other);
  });
});

describe("plainIssue", () => {
  it("says a missing required field 'is required', not zod's type wording", () => {
    const schema = requestSchemaFor(kind("kafkatopics"), "create");
    const errors = validateDocument(schema, {
      apiVersion: "kafka.pilothouse.dev/v1alpha1",
      kind: "KafkaTopic",
      metadata: { name: "orders", namespace: "demo" },
      spec: {},
    });
    expect(errors["spec.clusterName"]).toBe("is required");
    expect(Object.values(errors).join(" ")).not.toMatch(/Invalid input/);
  });

  it("words zod's default bounds for a user, and an empty string as empty", () => {
    const word = (schema: z.ZodType, value: unknown) =>
      plainIssue(schema.safeParse(value).error?.issues[0] ?? { message: "" }).message;
    expect(word(z.string().min(1), "")).toBe("must not be empty");
    expect(word(z.string().min(3), "ab")).toBe("must be at least 3 characters");
    expect(word(z.string().max(2), "abc")).toBe("must be at most 2 characters");
    expect(word(z.number().positive(), 0)).toBe("must be greater than 0");
    expect(word(z.array(z.string()).min(1), [])).toBe("must be at least 1 item");
    expect(word(z.enum(["mysql", "mariadb"]), "postgres")).toBe("must be one of: mysql, mariadb");
    expect(word(z.literal("scram-sha-512"), "plain")).toBe('must be "scram-sha-512"');
    expect(word(z.literal(["All"]), "yes")).toBe('must be "All"');
    // A bound with the schema's own message is kept.
    expect(word(z.string().min(1, "name the cluster"), "")).toBe("name the cluster");
  });

  it("words a wrong type and keeps the schema's own messages", () => {
    expect(
      plainIssue({
        code: "invalid_type",
        message: "Invalid input: expected number, received string",
      }).message,
    ).toBe("must be a number");
    expect(
      plainIssue({ code: "invalid_type", message: "Invalid input: expected int, received string" })
        .message,
    ).toBe("must be an integer");
    expect(plainIssue({ code: "too_big", message: "must be at most 9" }).message).toBe(
      "must be at most 9",
    );
  });
});
