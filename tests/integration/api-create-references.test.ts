/**
 * Objects that name another object are checked against it by the generic create route, before
 * the operator would fail them: a MySQLBackup to a storage its cluster lacks (422 on
 * `spec.storageName`, listing the cluster's storages; on `spec.clusterName` when the cluster does
 * not exist), a KafkaTopic or KafkaUser of a missing KafkaCluster, a topic replicated more than
 * the cluster has brokers. RBAC refusals still come first. Against the real apiserver, as the
 * demo users (alice operates, bob views).
 *
 * Needs the local platform: source the env.sh of `./pilothouse up` (KUBECONFIG,
 * PILOTHOUSE_DASHBOARD_KUBECONFIG).
 */
import { randomBytes } from "node:crypto";
import { CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, expect, it } from "vitest";
import { OPERATOR_SHARD_LABEL } from "@/lib/crds/common";
import { createHandler, listHandler } from "@/server/api/resources";
import {
  adminObjects,
  apiTestPlatform,
  expectError,
  expectJson,
  jsonRequest,
  type ApiTestPlatform,
} from "./support/api-callers";

const suffix = randomBytes(3).toString("hex");
const ns = `api-bks-${suffix}`;
/** The operator under `./pilothouse up` leaves objects of another shard alone. */
const labels = { [OPERATOR_SHARD_LABEL]: `api-test-${suffix}` };
const s3Storage = (name: string) => ({
  name,
  s3: { endpoint: "http://127.0.0.1:9", bucket: "backups", credentialsSecretRef: { name: "s3" } },
});
const clusterSpec = {
  engine: "mysql",
  replicas: 1,
  storage: { size: "1Gi" },
  backup: { storages: [s3Storage("main"), s3Storage("archive")] },
};

let platform: ApiTestPlatform;
const as = (user: "alice" | "bob") => platform.caller(user);
const create = (user: "alice" | "bob", plural: string, body: unknown, query = "") =>
  createHandler(as(user), jsonRequest("POST", `/api/v1/namespaces/${ns}/${plural}${query}`, body), {
    namespace: ns,
    plural,
  });

beforeAll(async () => {
  process.env.PILOTHOUSE_NAMESPACES = ns;
  platform = await apiTestPlatform(ns);
  const orders = { metadata: { name: "orders", labels }, spec: clusterSpec };
  await expectJson(await create("alice", "mysqlclusters", orders), 201);
  const events = {
    metadata: { name: "events", labels },
    spec: {
      kraft: {
        mode: "separate",
        controllers: { replicas: 1, storage: { size: "1Gi" } },
        brokers: { replicas: 1, storage: { size: "1Gi" } },
      },
    },
  };
  await expectJson(await create("alice", "kafkaclusters", events), 201);
});

afterAll(async () => {
  await platform?.admin
    .makeApiClient(CoreV1Api)
    .deleteNamespace({ name: ns })
    .catch(() => undefined);
});

it("422 on spec.storageName for a MySQLBackup to a storage its cluster lacks, listing them", async () => {
  const backup = (name: string, spec: object) => ({ metadata: { name, labels }, spec });
  const tape = backup("orders-tape", { clusterName: "orders", storageName: "tape" });
  for (const query of ["", "?dryRun=All"]) {
    const error = await expectError(await create("alice", "mysqlbackups", tape, query), 422);
    expect(error.causes).toEqual([
      {
        field: "spec.storageName",
        message: "must be one of the cluster's storages: main, archive",
      },
    ]);
  }
  const bare = {
    metadata: { name: "bare", labels },
    spec: { ...clusterSpec, backup: undefined },
  };
  await expectJson(await create("alice", "mysqlclusters", bare), 201);
  const none = await expectError(
    await create(
      "alice",
      "mysqlbackups",
      backup("bare-1", { clusterName: "bare", storageName: "main" }),
    ),
    422,
  );
  expect(none.causes).toEqual([
    {
      field: "spec.storageName",
      message: "MySQLCluster bare has no backup storage: add one to spec.backup.storages first",
    },
  ]);
  const missing = await expectError(
    await create(
      "alice",
      "mysqlbackups",
      backup("gone-1", { clusterName: "gone", storageName: "main" }),
    ),
    422,
  );
  expect(missing.causes).toEqual([
    { field: "spec.clusterName", message: `MySQLCluster gone does not exist in namespace ${ns}` },
  ]);
  // RBAC first: bob may not create backups at all, whatever the storage.
  const forbidden = await expectError(await create("bob", "mysqlbackups", tape), 403);
  expect(forbidden.message).toMatch(/cannot create resource "mysqlbackups"/);
  // Nothing was stored; the cluster's other storage is accepted.
  const { items } = await expectJson<{ items: { metadata: { name: string } }[] }>(
    await listHandler(as("alice"), jsonRequest("GET", `/api/v1/mysqlbackups?namespace=${ns}`), {
      plural: "mysqlbackups",
    }),
    200,
  );
  const names = items.map((i) => i.metadata.name);
  for (const refused of ["orders-tape", "bare-1", "gone-1"]) expect(names).not.toContain(refused);
  const archive = backup("orders-archive", { clusterName: "orders", storageName: "archive" });
  await expectJson(await create("alice", "mysqlbackups", archive, "?dryRun=All"), 201);
});

it("422 on spec.clusterName for a topic or user of a missing cluster, on spec.replicationFactor above the brokers; 403 first for bob", async () => {
  for (const plural of ["kafkatopics", "kafkausers"]) {
    const ghost = await expectError(
      await create("alice", plural, {
        metadata: { name: "orphan", labels },
        spec: { clusterName: "ghost" },
      }),
      422,
    );
    expect(ghost.causes).toEqual([
      {
        field: "spec.clusterName",
        message: `KafkaCluster ghost does not exist in namespace ${ns}`,
      },
    ]);
  }
  const tooMany = await expectError(
    await create("alice", "kafkatopics", {
      metadata: { name: "wide", labels },
      spec: { clusterName: "events", replicationFactor: 3 },
    }),
    422,
  );
  expect(tooMany.causes).toEqual([
    {
      field: "spec.replicationFactor",
      message: "must be at most 1, the brokers of KafkaCluster events",
    },
  ]);
  const viewer = await expectError(
    await create("bob", "kafkatopics", {
      metadata: { name: "orphan", labels },
      spec: { clusterName: "ghost" },
    }),
    403,
  );
  expect(viewer.message).toMatch(/cannot create resource "kafkatopics"/);
});

it("422 on spec.backupName and spec.target.clusterName for a MySQLRestore of objects that do not exist", async () => {
  const restore = (spec: object) => ({ metadata: { name: "back", labels }, spec });
  const error = await expectError(
    await create(
      "alice",
      "mysqlrestores",
      restore({ backupName: "nosuch", target: { clusterName: "ghost" } }),
    ),
    422,
  );
  expect(error.causes).toEqual([
    { field: "spec.backupName", message: `MySQLBackup nosuch does not exist in namespace ${ns}` },
    {
      field: "spec.target.clusterName",
      message: `MySQLCluster ghost does not exist in namespace ${ns}`,
    },
  ]);
  const viewer = await expectError(
    await create(
      "bob",
      "mysqlrestores",
      restore({ backupName: "nosuch", target: { clusterName: "orders" } }),
    ),
    403,
  );
  expect(viewer.message).toMatch(/cannot create resource "mysqlrestores"/);
});

it("422 on spec.backupName for a MySQLRestore of a Failed backup; one still running is accepted", async () => {
  const backups = adminObjects(platform.admin, "mysqlbackups", ns);
  const backupSpec = { clusterName: "orders", storageName: "main" };
  await backups.create("orders-broken", backupSpec, labels);
  await backups.setStatus("orders-broken", { phase: "Failed" });
  await backups.create("orders-running", backupSpec, labels);
  await backups.setStatus("orders-running", { phase: "Running" });
  const restore = (backupName: string) => ({
    metadata: { name: `from-${backupName}`, labels },
    spec: { backupName, target: { clusterName: "orders" } },
  });
  const failed = await expectError(
    await create("alice", "mysqlrestores", restore("orders-broken"), "?dryRun=All"),
    422,
  );
  expect(failed.causes).toEqual([
    {
      field: "spec.backupName",
      message: "MySQLBackup orders-broken Failed: a failed backup cannot be restored",
    },
  ]);
  // The operator waits for a backup that has not finished (WaitingForBackup).
  await expectJson(
    await create("alice", "mysqlrestores", restore("orders-running"), "?dryRun=All"),
    201,
  );
});

it("422 on spec.target.newCluster.name for a MySQLRestore into a new cluster that already exists", async () => {
  const backups = adminObjects(platform.admin, "mysqlbackups", ns);
  await backups.create("orders-source", { clusterName: "orders", storageName: "main" }, labels);
  const error = await expectError(
    await create(
      "alice",
      "mysqlrestores",
      {
        metadata: { name: "into-orders", labels },
        spec: {
          backupName: "orders-source",
          target: { newCluster: { name: "orders", spec: clusterSpec } },
        },
      },
      "?dryRun=All",
    ),
    422,
  );
  expect(error.causes).toEqual([
    {
      field: "spec.target.newCluster.name",
      message: `MySQLCluster orders already exists in namespace ${ns}: restore into it with target.clusterName, or choose another name`,
    },
  ]);
});
