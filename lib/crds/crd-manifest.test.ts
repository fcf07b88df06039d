import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { MySQLClusterCrdSource, allCrds, buildCrd, renderCrdYaml } from "./crd-manifest";
import { structuralSchemaErrors, type JsonSchema } from "./structural-schema";

const crd = buildCrd(MySQLClusterCrdSource);

/** Follows a path of keys and array indexes through the manifest; fails loudly when absent. */
function at(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== "object" || current === null || !(key in current)) {
      throw new Error(`no ${String(key)} in ${JSON.stringify(current)?.slice(0, 80)}`);
    }
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

const version = at(crd, "spec", "versions", 0);
const schema = at(version, "schema", "openAPIV3Schema") as JsonSchema;
const specProps = at(schema, "properties", "spec", "properties");

describe("MySQLCluster CRD", () => {
  it("has the names, short name and categories of the API", () => {
    expect(at(crd, "metadata", "name")).toBe("mysqlclusters.mysql.pilothouse.dev");
    expect(at(crd, "spec", "names")).toMatchObject({
      kind: "MySQLCluster",
      plural: "mysqlclusters",
      shortNames: ["mysqlc"],
      categories: ["pilothouse", "all"],
    });
    expect(at(crd, "spec", "scope")).toBe("Namespaced");
  });

  it("serves one stored version with the status subresource", () => {
    expect(version).toMatchObject({ name: "v1alpha1", served: true, storage: true });
    expect(at(version, "subresources")).toEqual({ status: {} });
  });

  it("has the Ready, Phase, Replicas and Age printer columns, in that order", () => {
    const columns = at(version, "additionalPrinterColumns") as {
      name: string;
      priority?: number;
    }[];
    const visible = columns.filter((column) => !column.priority).map((column) => column.name);
    expect(visible).toEqual(["Ready", "Phase", "Replicas", "Age"]);
    expect(columns[0]).toMatchObject({
      jsonPath: '.status.conditions[?(@.type=="Ready")].status',
    });
  });

  it("has a structural schema", () => {
    expect(structuralSchemaErrors(schema)).toEqual([]);
    const text = JSON.stringify(schema);
    expect(text).not.toContain('"additionalProperties":false');
    expect(text).not.toContain("$schema");
    expect(text).not.toContain("$ref");
  });

  it("bounds replicas and validates version and storage size with CEL messages", () => {
    expect(at(specProps, "replicas")).toMatchObject({ type: "integer", minimum: 1, maximum: 9 });
    for (const field of [["version"], ["storage", "properties", "size"]]) {
      const node = at(specProps, ...field) as JsonSchema;
      expect(node.pattern).toBeUndefined();
      expect(node.maxLength).toBe(32);
      expect(at(node, "x-kubernetes-validations", 0, "message")).toMatch(/^must be /);
    }
  });

  it("keys status.conditions by type", () => {
    expect(at(schema, "properties", "status", "properties", "conditions")).toMatchObject({
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["type"],
    });
  });

  it("checks metadata.name so that Service and StatefulSet names stay valid", () => {
    const rules = at(schema, "x-kubernetes-validations") as { rule: string }[];
    expect(rules.map((rule) => rule.rule)).toEqual([
      "self.metadata.name.size() <= 52",
      "self.metadata.name.matches(r'^[a-z]([-a-z0-9]*[a-z0-9])?$')",
    ]);
  });

  it("matches the committed deploy/crds/ files (run `npm run generate`)", async () => {
    for (const [file, manifest] of Object.entries(allCrds())) {
      const committed = await readFile(
        new URL(`../../deploy/crds/${file}`, import.meta.url),
        "utf8",
      );
      expect(committed).toBe(renderCrdYaml(manifest));
      expect(committed.startsWith("# generated — do not edit.")).toBe(true);
      expect(parse(committed)).toEqual(manifest);
    }
  });
});

describe("structural schema generation", () => {
  it("refuses schemas that cannot be structural", () => {
    const source = { ...MySQLClusterCrdSource, spec: z.union([z.string(), z.number()]) };
    expect(() => buildCrd(source)).toThrow(/key anyOf is not allowed/);
  });

  it("reports a missing type, mixed properties and additionalProperties, and items", () => {
    expect(
      structuralSchemaErrors({
        type: "object",
        properties: { a: { description: "no type" }, b: { type: "array" } },
        additionalProperties: { type: "string" },
      }),
    ).toEqual([
      "<root>: properties and additionalProperties are mutually exclusive",
      "<root>.a: missing type",
      "<root>.b: array without an items schema",
    ]);
  });

  it("turns records and unknown values into structural forms", () => {
    const source = {
      ...MySQLClusterCrdSource,
      spec: z
        .object({ labels: z.record(z.string(), z.string()), extra: z.unknown().optional() })
        .strict(),
    };
    const spec = at(buildCrd(source), "spec", "versions", 0, "schema", "openAPIV3Schema");
    expect(at(spec, "properties", "spec")).toEqual({
      type: "object",
      properties: {
        labels: { type: "object", additionalProperties: { type: "string" } },
        extra: { "x-kubernetes-preserve-unknown-fields": true },
      },
      required: ["labels"],
    });
  });
});
