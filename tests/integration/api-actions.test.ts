/**
 * The action routes (`POST .../{name}/actions/{action}`) against the real apiserver, called
 * in-process as the demo users with the demo RBAC: what each action changes, the 409 refusals
 * that say why (a second backup, a restore into a stopped or busy cluster, a stop during a
 * restore, a pending switchover), 403 for the viewer, 404 for an action the kind lacks, 422 for
 * bad bodies, and the audit Event naming the user.
 *
 * Objects the test creates directly carry another operator shard's label, so the operator under
 * `./pilothouse up` leaves their status to the test.
 */
import { randomBytes } from "node:crypto";
import { CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPERATOR_SHARD_LABEL, RECONCILE_ANNOTATION } from "@/lib/crds/common";
import { SWITCHOVER_ANNOTATION } from "@/lib/crds/mysql-replication";
import { actionHandler } from "@/server/api/actions";
import {
  adminObjects,
  apiTestPlatform,
  eventsOn,
  expectError,
  expectJson,
  jsonRequest,
  type ApiTestPlatform,
  type DemoUserName,
} from "./support/api-callers";

const suffix = randomBytes(3).toString("hex");
const ns = `api-act-${suffix}`;
const labels = { [OPERATOR_SHARD_LABEL]: `api-test-${suffix}` };
const storage = (name: string) => ({
  name,
  s3: { endpoint: "http://127.0.0.1:9", bucket: "backups", credentialsSecretRef: { name: "s3" } },
});
const clusterSpec = {
  engine: "mysql",
  replicas: 3,
  storage: { size: "1Gi" },
  backup: { storages: [storage("main"), storage("archive")] },
};

let platform: ApiTestPlatform;
const objects = (plural: string) => adminObjects(platform.admin, plural, ns);

type Answer = {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
};

/** Calls an action as `user`; `body` undefined sends no body. */
function act(user: DemoUserName, plural: string, name: string, action: string, body?: unknown) {
  const request = jsonRequest(
    "POST",
    `/api/v1/namespaces/${ns}/${plural}/${name}/actions/${action}`,
    body,
  );
  return actionHandler(platform.caller(user), request, { namespace: ns, plural, name, action });
}

beforeAll(async () => {
  platform = await apiTestPlatform(ns);
  await objects("mysqlclusters").create("orders", clusterSpec, labels);
  await objects("mysqlclusters").create("bare", { ...clusterSpec, backup: undefined }, labels);
  await objects("mysqlclusters").create("idle", { ...clusterSpec, stopped: true }, labels);
  await objects("mysqlclusters").create("busy", clusterSpec, labels);
  await objects("mysqlbackups").create(
    "orders-good",
    { clusterName: "orders", storageName: "main" },
    labels,
  );
  await objects("mysqlbackups").setStatus("orders-good", { phase: "Succeeded" });
  await objects("mysqlbackups").create(
    "orders-failed",
    { clusterName: "orders", storageName: "main" },
    labels,
  );
  await objects("mysqlbackups").setStatus("orders-failed", { phase: "Failed" });
  await objects("mysqlbackups").create(
    "busy-running",
    { clusterName: "busy", storageName: "main" },
    labels,
  );
  await objects("mysqlbackups").setStatus("busy-running", { phase: "Running" });
  await objects("mysqlrestores").create(
    "busy-restore",
    { backupName: "orders-good", target: { clusterName: "busy" } },
    labels,
  );
  await objects("mysqlrestores").setStatus("busy-restore", { phase: "Running" });
});

afterAll(async () => {
  await platform?.admin
    .makeApiClient(CoreV1Api)
    .deleteNamespace({ name: ns })
    .catch(() => undefined);
});

describe("stop and start", () => {
  it("set spec.stopped as alice; 403 with the RBAC reason for bob", async () => {
    const stopped = await expectJson<Answer>(
      await act("alice", "mysqlclusters", "orders", "stop"),
      200,
    );
    expect(stopped.spec.stopped).toBe(true);
    const started = await expectJson<Answer>(
      await act("alice", "mysqlclusters", "orders", "start", {}),
      200,
    );
    expect(started.spec.stopped).toBe(false);
    const forbidden = await expectError(await act("bob", "mysqlclusters", "orders", "stop"), 403);
    expect(forbidden.message).toMatch(/bob@pilothouse\.dev.*cannot patch resource "mysqlclusters"/);
  });

  it("409 for a stop while a restore into the cluster runs, saying so", async () => {
    const busy = await expectError(await act("alice", "mysqlclusters", "busy", "stop"), 409);
    expect(busy.message).toBe(
      "A restore into busy is Running (MySQLRestore busy-restore); wait for it to finish.",
    );
  });

  it("404 for a missing object, an unknown action, or an action the kind does not have", async () => {
    await expectError(await act("alice", "mysqlclusters", "ghost", "stop"), 404);
    const unknown = await expectError(
      await act("alice", "mysqlclusters", "orders", "explode"),
      404,
    );
    expect(unknown.message).toMatch(/MySQLCluster has no action "explode"/);
    await expectError(await act("alice", "kafkatopics", "t", "switchover"), 404);
    await expectError(await act("alice", "deployments", "orders", "stop"), 404);
  });

  it("422 for a body where none is expected", async () => {
    const error = await expectError(
      await act("alice", "mysqlclusters", "orders", "stop", { now: true }),
      422,
    );
    expect(error.causes).toEqual([{ field: "now", message: "unknown field" }]);
  });
});

describe("dry run and bodies", () => {
  /** A raw action request with whatever headers and body the client sends. */
  function raw(action: string, init: RequestInit, query = "") {
    const path = `/api/v1/namespaces/${ns}/mysqlclusters/orders/actions/${action}${query}`;
    const request = new Request(`http://localhost${path}`, { method: "POST", ...init });
    const params = { namespace: ns, plural: "mysqlclusters", name: "orders", action };
    return actionHandler(platform.caller("alice"), request, params);
  }

  it("?dryRun=All runs every check and answers the result, but stores nothing", async () => {
    type Stored = Answer & { metadata: { resourceVersion: string } };
    const before = (await objects("mysqlclusters").get("orders")) as Stored;
    const answered = await expectJson<Answer>(await raw("stop", {}, "?dryRun=All"), 200);
    expect(answered.spec.stopped).toBe(true);
    const after = (await objects("mysqlclusters").get("orders")) as Stored;
    expect(after.spec.stopped).toBe(false);
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);

    const backups = await objects("mysqlbackups").names();
    const response = await raw("backup", {}, "?dryRun=All");
    const wouldBe = await expectJson<Answer>(response, 201);
    expect(wouldBe.spec).toEqual({ clusterName: "orders", storageName: "main" });
    expect(response.headers.get("location")).toBeNull();
    expect(await objects("mysqlbackups").names()).toEqual(backups);
    // The same refusals as a real run: a stop during a restore is still 409.
    const busy = new Request(
      `http://localhost/api/v1/namespaces/${ns}/mysqlclusters/busy/actions/stop?dryRun=All`,
      { method: "POST" },
    );
    const params = { namespace: ns, plural: "mysqlclusters", name: "busy", action: "stop" };
    await expectError(await actionHandler(platform.caller("alice"), busy, params), 409);
    const wrong = await expectError(await raw("stop", {}, "?dryRun=true"), 422);
    expect(wrong.causes[0]?.field).toBe("dryRun");
  });

  it("an empty body needs no Content-Type (curl -X POST); a non-JSON body is 415", async () => {
    // A body stream that ends at once, with no Content-Type and no Content-Length.
    const nothing = new ReadableStream<Uint8Array>({ start: (c) => c.close() });
    const empty = await raw(
      "pause",
      { body: nothing, duplex: "half" } as RequestInit,
      "?dryRun=All",
    );
    expect(empty.status).toBe(200);
    expect((await raw("pause", { body: "" }, "?dryRun=All")).status).toBe(200);
    const text = await expectError(
      await raw("pause", { body: "now", headers: { "content-type": "text/plain" } }),
      415,
    );
    expect(text.code).toBe("UnsupportedMediaType");
    const untyped = await expectError(await raw("pause", { body: "{}" }), 415);
    expect(untyped.message).toBe("Send the body as Content-Type: application/json.");
  });
});

describe("pause and resume", () => {
  it("set and remove the reconcile annotation; the Event names the user", async () => {
    const paused = await expectJson<Answer>(
      await act("alice", "mysqlclusters", "orders", "pause"),
      200,
    );
    expect(paused.metadata.annotations?.[RECONCILE_ANNOTATION]).toBe("paused");
    const resumed = await expectJson<Answer>(
      await act("alice", "mysqlclusters", "orders", "resume"),
      200,
    );
    expect(resumed.metadata.annotations?.[RECONCILE_ANNOTATION]).toBeUndefined();
    const messages = (await eventsOn(platform.admin, ns, "orders")).map(
      (e) => `${e.reason}: ${e.message}`,
    );
    expect(messages).toContain(
      `DashboardPause: alice@pilothouse.dev paused reconciliation of MySQLCluster ${ns}/orders through the dashboard`,
    );
  });
});

describe("switchover", () => {
  it("422 for a target that is not a server of the cluster; then 200 and 409 while pending", async () => {
    const shape = await expectError(
      await act("alice", "mysqlclusters", "orders", "switchover", { targetInstance: "x" }),
      422,
    );
    expect(shape.causes[0]?.field).toBe("targetInstance");
    const other = await expectError(
      await act("alice", "mysqlclusters", "orders", "switchover", { targetInstance: "orders-3" }),
      422,
    );
    expect(other.causes).toEqual([
      { field: "targetInstance", message: "must be a server of orders: orders-0 to orders-2" },
    ]);
    await expectError(await act("alice", "mysqlclusters", "orders", "switchover", {}), 422);
    const asked = await expectJson<Answer>(
      await act("alice", "mysqlclusters", "orders", "switchover", { targetInstance: "orders-1" }),
      200,
    );
    expect(asked.metadata.annotations?.[SWITCHOVER_ANNOTATION]).toBe("orders-1");
    const pending = await expectError(
      await act("alice", "mysqlclusters", "orders", "switchover", { targetInstance: "orders-2" }),
      409,
    );
    expect(pending.message).toBe("A switchover of orders to orders-1 is already pending.");
  });

  it("409 up front when the operator says it does not reach the servers (database checks off)", async () => {
    await objects("mysqlclusters").setStatus("bare", {
      conditions: [
        {
          type: "ReplicationHealthy",
          status: "Unknown",
          reason: "DatabaseChecksDisabled",
          message: "database checks are disabled",
          lastTransitionTime: new Date().toISOString(),
        },
      ],
    });
    const refused = await expectError(
      await act("alice", "mysqlclusters", "bare", "switchover", { targetInstance: "bare-0" }),
      409,
    );
    expect(refused.message).toMatch(/database checks are disabled/);
  });
});

describe("backup", () => {
  it("creates a MySQLBackup to the first storage by default, then 409 while it is not finished", async () => {
    const response = await act("alice", "mysqlclusters", "orders", "backup");
    const backup = await expectJson<Answer>(response, 201);
    expect(backup.spec).toEqual({ clusterName: "orders", storageName: "main" });
    expect(response.headers.get("location")).toBe(
      `/api/v1/namespaces/${ns}/mysqlbackups/${backup.metadata.name}`,
    );
    const again = await expectError(await act("alice", "mysqlclusters", "orders", "backup"), 409);
    expect(again.message).toMatch(
      /^A backup of orders is already (Pending|Running) \(MySQLBackup orders-/,
    );
  });

  it("409 while a backup is Running; 422 for an unknown storage; 409 without storages; 403 for bob", async () => {
    const running = await expectError(
      await act("alice", "mysqlclusters", "busy", "backup", { storageName: "archive" }),
      409,
    );
    expect(running.message).toBe(
      "A backup of busy is already Running (MySQLBackup busy-running); wait for it to finish.",
    );
    const unknown = await expectError(
      await act("alice", "mysqlclusters", "idle", "backup", { storageName: "tape" }),
      422,
    );
    expect(unknown.causes).toEqual([
      { field: "storageName", message: "must be one of the cluster's storages: main, archive" },
    ]);
    const bare = await expectError(await act("alice", "mysqlclusters", "bare", "backup"), 409);
    expect(bare.message).toMatch(/bare has no backup storage/);
    expect(bare.causes.map((c) => c.field)).toEqual(["storageName"]);
    const forbidden = await expectError(await act("bob", "mysqlclusters", "idle", "backup"), 403);
    expect(forbidden.message).toMatch(/cannot create resource "mysqlbackups"/);
  });
});

describe("restore", () => {
  it("refuses a stopped cluster, a busy one, and a backup that did not succeed (409, with why)", async () => {
    const stopped = await expectError(
      await act("alice", "mysqlclusters", "idle", "restore", { backupName: "orders-good" }),
      409,
    );
    expect(stopped.message).toBe(
      "idle is stopped (or stopping): start it before restoring into it.",
    );
    const busy = await expectError(
      await act("alice", "mysqlclusters", "busy", "restore", { backupName: "orders-good" }),
      409,
    );
    expect(busy.message).toMatch(/^A restore into busy is Running/);
    const failed = await expectError(
      await act("alice", "mysqlclusters", "bare", "restore", { backupName: "orders-failed" }),
      409,
    );
    expect(failed.message).toBe(
      "MySQLBackup orders-failed is Failed: only a Succeeded backup can be restored.",
    );
    expect(failed.causes.map((c) => c.field)).toEqual(["backupName"]);
    const missing = await expectError(
      await act("alice", "mysqlclusters", "bare", "restore", { backupName: "nope" }),
      422,
    );
    expect(missing.causes).toEqual([
      { field: "backupName", message: `MySQLBackup nope does not exist in namespace ${ns}` },
    ]);
    await expectError(await act("alice", "mysqlclusters", "bare", "restore", {}), 422);
  });

  it("creates a MySQLRestore from a cluster or from a backup", async () => {
    const fromCluster = await expectJson<Answer>(
      await act("alice", "mysqlclusters", "bare", "restore", { backupName: "orders-good" }),
      201,
    );
    expect(fromCluster.spec).toEqual({
      backupName: "orders-good",
      target: { clusterName: "bare" },
    });
    const twice = await expectError(
      await act("alice", "mysqlbackups", "orders-good", "restore", {
        target: { clusterName: "bare" },
      }),
      409,
    );
    expect(twice.message).toMatch(/^A restore into bare is Pending/);
    const target = { newCluster: { name: "copy", spec: { storage: { size: "1Gi" } } } };
    const fromBackup = await expectJson<Answer>(
      await act("alice", "mysqlbackups", "orders-good", "restore", { target }),
      201,
    );
    expect(fromBackup.spec).toMatchObject({
      backupName: "orders-good",
      target: { newCluster: { name: "copy" } },
    });
    const both = await expectError(
      await act("alice", "mysqlbackups", "orders-good", "restore", {
        target: { ...target, clusterName: "bare" },
      }),
      422,
    );
    expect(both.causes[0]?.message).toMatch(/exactly one of target.clusterName/);
    await expectError(await act("bob", "mysqlbackups", "orders-good", "restore", { target }), 403);
  });
});
