import { describe, expect, it } from "vitest";
import { allCrds } from "./crd-manifest";
import { OPERATOR_OWNED_SETTINGS } from "./mycnf";
import type { JsonSchema } from "./structural-schema";

/** The openAPIV3Schema of the generated CRD for `plural`. */
function schemaOf(plural: string): JsonSchema {
  const crd = allCrds()[`mysql.pilothouse.dev_${plural}.yaml`] as {
    spec: {
      versions: {
        schema: { openAPIV3Schema: JsonSchema };
        additionalPrinterColumns: { name: string }[];
      }[];
    };
  };
  const version = crd.spec.versions[0];
  if (!version) throw new Error(`no version in ${plural}`);
  return version.schema.openAPIV3Schema;
}

/** The schema node at a path of property names below `spec`. */
function node(schema: JsonSchema, ...path: string[]): JsonSchema {
  let current = schema;
  for (const key of ["spec", ...path]) {
    const next = (current.properties as Record<string, JsonSchema> | undefined)?.[key];
    if (!next) throw new Error(`no ${key}`);
    current = next;
  }
  return current;
}

const rules = (n: JsonSchema) =>
  (n["x-kubernetes-validations"] ?? []) as {
    rule: string;
    message: string;
    messageExpression?: string;
  }[];

describe("generated CEL rules", () => {
  const cluster = schemaOf("mysqlclusters");

  it("refuses every owned my.cnf setting and names it", () => {
    const [, owned] = rules(node(cluster, "mycnf"));
    for (const setting of OPERATOR_OWNED_SETTINGS) expect(owned?.rule).toContain(`'${setting}'`);
    expect(owned?.rule).toContain("startsWith('rpl_semi_sync_')");
    expect(owned?.messageExpression).toMatch(/^'setting ' \+ self\.filter/);
  });

  it("checks the version per engine and the storage references of schedules", () => {
    expect(rules(node(cluster)).map((r) => r.message)).toContain(
      "version must be 8.4 or 8.4.x for engine mysql (MySQL 8.4 LTS), and 10.x or later for engine mariadb",
    );
    expect(node(cluster, "version").default).toBeUndefined();
    expect(rules(node(cluster, "backup"))[0]?.rule).toContain(
      "self.storages.exists(t, t.name == s.storageName)",
    );
    const schedules = node(cluster, "backup", "schedules");
    expect(schedules["x-kubernetes-list-map-keys"]).toEqual(["name"]);
    const cron = (schedules.items as JsonSchema).properties as Record<string, JsonSchema>;
    expect(rules(cron.cron as JsonSchema)[0]?.rule).toMatch(/^self\.matches/);
  });

  it("makes the spec of backups and restores immutable", () => {
    for (const plural of ["mysqlbackups", "mysqlrestores"]) {
      expect(rules(node(schemaOf(plural))).map((r) => r.rule)).toContain("self == oldSelf");
    }
  });

  it("requires exactly one restore target", () => {
    expect(rules(node(schemaOf("mysqlrestores"), "target"))[0]?.rule).toBe(
      "has(self.clusterName) != has(self.newCluster)",
    );
  });
});
