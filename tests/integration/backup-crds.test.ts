/**
 * The MySQLCluster, MySQLBackup and MySQLRestore CRDs as generated in deploy/crds, installed on
 * the real kube-apiserver: the CEL rules refuse bad specs with a message naming the field. No
 * operator runs here: this is the apiserver's validation alone.
 *
 * Needs the local platform: `./pilothouse up`, then `source "$(./pilothouse env)"`.
 */
import { randomBytes } from "node:crypto";
import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
} from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { MYSQL_API_VERSION, MYSQL_GROUP, MYSQL_VERSION } from "@/lib/crds/mysql-cluster";
import {
  installOperatorManifests,
  kubeConfigFrom,
  platformKubeconfigs,
} from "./support/kube-admin";

const namespace = `backup-crd-it-${randomBytes(3).toString("hex")}`;
const api = (plural: string) => ({ group: MYSQL_GROUP, version: MYSQL_VERSION, plural, namespace });

let admin: KubeConfig;
let core: CoreV1Api;
let custom: CustomObjectsApi;

const StatusSchema = z.object({
  message: z.string(),
  details: z.object({ causes: z.array(z.object({ field: z.string(), message: z.string() })) }),
});

/** The field → message causes of a 422 answer to `request`; fails when it was accepted. */
async function refusal(request: Promise<unknown>): Promise<Record<string, string>> {
  const error = await request.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiException)) throw new Error(`expected a refusal, got ${String(error)}`);
  expect(error.code).toBe(422);
  const body = StatusSchema.parse(JSON.parse((error as ApiException<string>).body));
  return Object.fromEntries(body.details.causes.map((c) => [c.field, c.message]));
}

const storages = [
  { name: "main", s3: { bucket: "backups", credentialsSecretRef: { name: "s3-keys" } } },
];

function createCluster(name: string, spec: Record<string, unknown>): Promise<unknown> {
  const body = { apiVersion: MYSQL_API_VERSION, kind: "MySQLCluster", metadata: { name }, spec };
  return custom.createNamespacedCustomObject({ ...api("mysqlclusters"), body });
}

beforeAll(async () => {
  admin = kubeConfigFrom(platformKubeconfigs().admin);
  core = admin.makeApiClient(CoreV1Api);
  custom = admin.makeApiClient(CustomObjectsApi);
  await installOperatorManifests(admin);
  await core.createNamespace({ body: { metadata: { name: namespace } } });
});

afterAll(async () => {
  await core?.deleteNamespace({ name: namespace }).catch(() => undefined);
});

describe("MySQLCluster CRD validation", () => {
  it("refuses an owned my.cnf setting, naming it as the user spelled it", async () => {
    const causes = await refusal(
      createCluster("owned", {
        storage: { size: "1Gi" },
        mycnf: { max_connections: "500", "Gtid-Mode": "OFF" },
      }),
    );
    expect(causes["spec.mycnf"]).toMatch(
      /setting Gtid-Mode is owned by the operator and cannot be overridden$/,
    );
  });

  it("refuses a schedule that refers to a missing storage, and a bad cron", async () => {
    const causes = await refusal(
      createCluster("sched", {
        storage: { size: "1Gi" },
        backup: {
          storages,
          schedules: [
            { name: "nightly", cron: "0 2 * *", storageName: "main" },
            { name: "hourly", cron: "0 * * * *", storageName: "elsewhere" },
          ],
        },
      }),
    );
    expect(causes["spec.backup.schedules"]).toMatch(/storageName must be the name of one of/);
    expect(causes["spec.backup.schedules[0].cron"]).toMatch(/five space-separated fields/);
  });

  it("refuses duplicate storage names and a version the engine does not have", async () => {
    const causes = await refusal(
      createCluster("dupes", {
        engine: "mariadb",
        version: "8.4",
        storage: { size: "1Gi" },
        backup: { storages: [...storages, ...storages] },
      }),
    );
    expect(causes["spec.backup.storages[1]"]).toMatch(/Duplicate value/);
    expect(causes["spec.version"]).toMatch(/10\.x or later for engine mariadb/);
  });

  it("stores a MariaDB cluster without a version (the operator runs the engine's default)", async () => {
    const created = (await createCluster("maria", {
      engine: "mariadb",
      storage: { size: "1Gi" },
    })) as { spec: Record<string, unknown> };
    expect(created.spec.version).toBeUndefined();
    expect(created.spec).toMatchObject({ engine: "mariadb", deletionPolicy: "Retain" });
  });
});

describe("MySQLBackup and MySQLRestore CRD validation", () => {
  it("refuses any change to a finished backup's spec", async () => {
    const backups = api("mysqlbackups");
    await custom.createNamespacedCustomObject({
      ...backups,
      body: {
        apiVersion: MYSQL_API_VERSION,
        kind: "MySQLBackup",
        metadata: { name: "done" },
        spec: { clusterName: "orders", storageName: "main" },
      },
    });
    await custom.patchNamespacedCustomObjectStatus({
      ...backups,
      name: "done",
      body: [{ op: "add", path: "/status", value: { phase: "Succeeded" } }],
    });
    const causes = await refusal(
      custom.patchNamespacedCustomObject({
        ...backups,
        name: "done",
        body: [{ op: "replace", path: "/spec/storageName", value: "other" }],
      }),
    );
    expect(causes.spec).toMatch(/spec is immutable: create a new MySQLBackup instead/);
  });

  it("refuses a restore with no target or with both", async () => {
    const create = (target: Record<string, unknown>) =>
      custom.createNamespacedCustomObject({
        ...api("mysqlrestores"),
        body: {
          apiVersion: MYSQL_API_VERSION,
          kind: "MySQLRestore",
          metadata: { name: "r" },
          spec: { backupName: "done", target },
        },
      });
    expect((await refusal(create({})))["spec.target"]).toMatch(/exactly one of target.clusterName/);
    const both = {
      clusterName: "a",
      newCluster: { name: "b", spec: { storage: { size: "1Gi" } } },
    };
    expect((await refusal(create(both)))["spec.target"]).toMatch(/exactly one/);
  });
});
