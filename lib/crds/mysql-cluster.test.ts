import { describe, expect, it } from "vitest";
import {
  MySQLClusterSpecSchema,
  clusterImage,
  clusterVersion,
  versionFitsEngine,
  type MySQLClusterSpecInput,
} from "./mysql-cluster";

const minimal: MySQLClusterSpecInput = { storage: { size: "1Gi" } };

/** The messages of a failed parse, by dotted path. */
function issuesOf(input: unknown): Record<string, string> {
  const parsed = MySQLClusterSpecSchema.safeParse(input);
  if (parsed.success) return {};
  return Object.fromEntries(parsed.error.issues.map((i) => [i.path.join("."), i.message]));
}

describe("MySQLClusterSpecSchema", () => {
  it("applies the defaults, leaving version to the engine", () => {
    const spec = MySQLClusterSpecSchema.parse(minimal);
    expect(spec).toMatchObject({
      engine: "mysql",
      replicas: 3,
      storage: { size: "1Gi" },
      stopped: false,
      deletionPolicy: "Retain",
    });
    expect(spec.version).toBeUndefined();
    expect(spec.backup).toBeUndefined();
  });

  it("runs each engine's default version and image when version is unset", () => {
    const mariadb = MySQLClusterSpecSchema.parse({ ...minimal, engine: "mariadb" });
    expect(clusterVersion(mariadb)).toBe("11.4");
    expect(clusterImage(mariadb)).toBe("mariadb:11.4");
    expect(clusterImage(MySQLClusterSpecSchema.parse(minimal))).toBe("mysql:8.4");
    const custom = MySQLClusterSpecSchema.parse({ ...minimal, image: "registry.example/my:1" });
    expect(clusterImage(custom)).toBe("registry.example/my:1");
  });

  it.each([
    ["mysql", "8.4", true],
    ["mysql", "8.4.3", true],
    ["mysql", "8.0", false],
    ["mysql", "11.4", false],
    ["mariadb", "11.4", true],
    ["mariadb", "10.11.9", true],
    ["mariadb", "8.4", false],
  ] as const)("engine %s with version %s fits: %s", (engine, version, fits) => {
    expect(versionFitsEngine(engine, version)).toBe(fits);
    expect(Object.keys(issuesOf({ ...minimal, engine, version }))).toEqual(fits ? [] : ["version"]);
  });

  it("refuses owned my.cnf settings in any spelling, naming them", () => {
    expect(issuesOf({ ...minimal, mycnf: { max_connections: "500" } })).toEqual({});
    expect(issuesOf({ ...minimal, mycnf: { "Server-Id": "3" } })).toEqual({
      "mycnf.Server-Id": "setting Server-Id is owned by the operator and cannot be overridden",
    });
    expect(issuesOf({ ...minimal, mycnf: { rpl_semi_sync_master_enabled: "OFF" } })).toHaveProperty(
      "mycnf.rpl_semi_sync_master_enabled",
    );
    expect(issuesOf({ ...minimal, mycnf: { max_connections: "1\n[client]" } })).toHaveProperty(
      "mycnf.max_connections",
    );
  });

  it("refuses a limit below its request", () => {
    const resources = { requests: { memory: "2Gi" }, limits: { memory: "1Gi", cpu: "1" } };
    expect(issuesOf({ ...minimal, resources })).toEqual({
      "resources.limits.memory": "limits.memory must be at least requests.memory",
    });
    const fine = {
      requests: { cpu: "500m", memory: "1Gi" },
      limits: { cpu: "1", memory: "1024Mi" },
    };
    expect(issuesOf({ ...minimal, resources: fine })).toEqual({});
  });

  it("needs a storage for deletionPolicy BackupThenDelete", () => {
    expect(issuesOf({ ...minimal, deletionPolicy: "BackupThenDelete" })).toHaveProperty(
      "deletionPolicy",
    );
  });
});
