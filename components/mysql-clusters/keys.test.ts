import { describe, expect, it } from "vitest";
import { mysqlClusterKeys, permissionKeys } from "./keys";

describe("mysqlClusterKeys", () => {
  it("has the shape [kind, namespace, name, params]", () => {
    expect(mysqlClusterKeys.list("demo")).toEqual(["mysqlclusters", "demo", null, {}]);
    expect(mysqlClusterKeys.detail("demo", "a")).toEqual(["mysqlclusters", "demo", "a", {}]);
    expect(permissionKeys.namespace("demo")).toEqual(["permissions", "demo", null, {}]);
  });

  it("prefixes: a namespace key matches its lists and details", () => {
    const ns = mysqlClusterKeys.namespace("demo");
    expect(mysqlClusterKeys.list("demo").slice(0, ns.length)).toEqual(ns);
    expect(mysqlClusterKeys.detail("demo", "a").slice(0, ns.length)).toEqual(ns);
    expect(mysqlClusterKeys.all).toEqual(ns.slice(0, 1));
  });
});
