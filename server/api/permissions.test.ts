import { describe, expect, it } from "vitest";
import { actionCheck, decide, decideAction } from "./permissions";

describe("decide", () => {
  const bob = { username: "bob@pilothouse.dev", groups: ["pilothouse:viewers"] };

  it("says nothing when allowed", () => {
    expect(decide(true, "create", "demo", bob)).toEqual({ allowed: true, reason: "" });
  });

  it("explains a refusal with the user, groups, action and namespace", () => {
    const { allowed, reason } = decide(false, "create", "demo", bob);
    expect(allowed).toBe(false);
    expect(reason).toBe(
      "Kubernetes RBAC does not allow bob@pilothouse.dev (groups: pilothouse:viewers) to create MySQL clusters in namespace demo.",
    );
    expect(decide(false, "update", "demo", { ...bob, groups: [] }).reason).toContain(
      "(groups: none) to edit",
    );
    expect(decide(false, "delete", "demo", bob, "kafkatopics").reason).toContain(
      "delete Kafka topics",
    );
  });

  it("names what an action needs", () => {
    const check = actionCheck({ group: "mysql.pilothouse.dev", plural: "mysqlclusters" }, "stop");
    expect(check).toEqual({
      group: "mysql.pilothouse.dev",
      resource: "mysqlclusters",
      verb: "patch",
    });
    expect(decideAction(false, "stop", check, "mysqlclusters", "demo", bob).reason).toBe(
      "Kubernetes RBAC does not allow bob@pilothouse.dev (groups: pilothouse:viewers) to stop MySQL clusters in namespace demo: it needs patch on mysqlclusters.",
    );
  });

  it("maps backup and restore to creating their objects", () => {
    const kafka = { group: "kafka.pilothouse.dev", plural: "kafkaclusters" };
    expect(actionCheck(kafka, "pause")).toEqual({
      group: "kafka.pilothouse.dev",
      resource: "kafkaclusters",
      verb: "patch",
    });
    const cluster = { group: "mysql.pilothouse.dev", plural: "mysqlclusters" };
    expect(actionCheck(cluster, "backup")).toMatchObject({
      resource: "mysqlbackups",
      verb: "create",
    });
    expect(actionCheck(cluster, "restore")).toMatchObject({
      resource: "mysqlrestores",
      verb: "create",
    });
  });
});
