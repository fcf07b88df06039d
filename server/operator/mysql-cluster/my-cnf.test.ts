import { describe, expect, it } from "vitest";
import { myCnf } from "./my-cnf";
import { CONFIG_HASH_ANNOTATION, configMap, statefulSet } from "./resources";
import { aCluster } from "./test-fixtures";

const mariadb = { engine: "mariadb" as const, version: "11.4" };

/** The `[mysqld]` settings of a rendered my.cnf, as name → value (comments and blanks skipped). */
function settings(text: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    const match = /^([A-Za-z_-]+) = (.*)$/.exec(line);
    if (!match?.[1] || match[2] === undefined) continue;
    found.set(match[1], [...(found.get(match[1]) ?? []), match[2]]);
  }
  return found;
}

function renderedConfig(spec: Parameters<typeof aCluster>[0]): string {
  return configMap(aCluster(spec)).data?.["pilothouse.cnf"] ?? "";
}

describe("my.cnf", () => {
  it("starts every server read-only, so only the operator opens the primary for writes", () => {
    const mysql = settings(renderedConfig({}));
    expect(mysql.get("read_only")).toEqual(["ON"]);
    expect(mysql.get("super_read_only")).toEqual(["ON"]);
    const maria = settings(renderedConfig(mariadb));
    expect(maria.get("read_only")).toEqual(["ON"]);
    expect(maria.has("super_read_only")).toBe(false);
  });

  it("persists semi-sync AFTER_SYNC with the operator's timeout, loading MySQL's plugins", () => {
    const mysql = settings(renderedConfig({}));
    expect(mysql.get("plugin_load_add")).toEqual(["semisync_source.so", "semisync_replica.so"]);
    expect(mysql.get("loose_rpl_semi_sync_source_wait_point")).toEqual(["AFTER_SYNC"]);
    expect(mysql.get("loose_rpl_semi_sync_source_timeout")).toEqual(["10000"]);
    expect(mysql.get("loose_rpl_semi_sync_source_enabled")).toEqual(["ON"]);
    expect(mysql.get("loose_rpl_semi_sync_replica_enabled")).toEqual(["ON"]);
    const maria = settings(renderedConfig(mariadb));
    expect(maria.get("rpl_semi_sync_master_wait_point")).toEqual(["AFTER_SYNC"]);
    expect(maria.get("rpl_semi_sync_master_timeout")).toEqual(["10000"]);
    expect(maria.get("rpl_semi_sync_master_enabled")).toEqual(["ON"]);
    expect(maria.get("rpl_semi_sync_slave_enabled")).toEqual(["ON"]);
    expect(maria.has("plugin_load_add")).toBe(false);
  });

  it("appends spec.mycnf after the operator's settings, sorted, and rolls the pods on a change", () => {
    const text = renderedConfig({
      mycnf: { max_connections: "500", innodb_buffer_pool_size: "1G" },
    });
    const lines = text.split("\n");
    const user = lines.indexOf("# spec.mycnf");
    expect(user).toBeGreaterThan(lines.indexOf("read_only = ON"));
    expect(lines.slice(user + 1, user + 3)).toEqual([
      "innodb_buffer_pool_size = 1G",
      "max_connections = 500",
    ]);
    const hash = (mycnf?: Record<string, string>) =>
      statefulSet(aCluster(mycnf ? { mycnf } : {})).spec?.template.metadata?.annotations?.[
        CONFIG_HASH_ANNOTATION
      ];
    expect(hash({ max_connections: "500" })).not.toBe(hash());
    expect(hash({ max_connections: "500", a: "1" })).toBe(hash({ a: "1", max_connections: "500" }));
  });

  it("never takes a setting the operator owns from spec.mycnf, even from an object stored before the rule", () => {
    const text = myCnf({ engine: "mysql", mycnf: { read_only: "OFF", wait_timeout: "60" } });
    expect(settings(text).get("read_only")).toEqual(["ON"]);
    expect(text).toContain("wait_timeout = 60");
  });
});

describe("server resources", () => {
  it("sets spec.resources on the server container, and nothing when unset", () => {
    const container = (spec: Parameters<typeof aCluster>[0]) =>
      statefulSet(aCluster(spec)).spec?.template.spec?.containers[0];
    expect(container({})?.resources).toBeUndefined();
    expect(
      container({
        resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "2Gi" } },
      })?.resources,
    ).toEqual({ requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "2Gi" } });
  });
});
