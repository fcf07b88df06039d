/**
 * The my.cnf and resources the operator renders, end to end: the operator (as shipped, test
 * shard, database checks off) applies a MariaDB cluster's ConfigMap and StatefulSet to the real
 * control plane; the test reads the ConfigMap back from the apiserver and starts a real MariaDB
 * server (Debian's `mariadbd`, a throwaway data directory, socket only) on exactly that file, to
 * show the server accepts it and runs with what it says: read-only, semi-sync AFTER_SYNC,
 * and the user's `spec.mycnf`.
 *
 * Needs the local platform: `./pilothouse up`, then `source "$(./pilothouse env)"`.
 */
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { AppsV1Api, type KubeConfig } from "@kubernetes/client-node";
import { createConnection, type RowDataPacket } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "./support/eventually";
import {
  installOperatorManifests,
  kubeConfigFrom,
  platformKubeconfigs,
} from "./support/kube-admin";
import { lifecycleFixtures } from "./support/mysql-cluster-lifecycle";
import { OperatorProcess } from "./support/operator-process";

const run = promisify(execFile);
const suffix = randomBytes(3).toString("hex");
const namespace = `mysqlc-cnf-${suffix}`;
const shard = `it-cnf-${suffix}`;

let admin: KubeConfig;
let operator: OperatorProcess | undefined;
let f: ReturnType<typeof lifecycleFixtures>;
let dir = "";
let server: ChildProcess | undefined;

beforeAll(async () => {
  const kubeconfigs = platformKubeconfigs();
  admin = kubeConfigFrom(kubeconfigs.admin);
  f = lifecycleFixtures(admin, namespace, shard, () => operator?.assertRunning());
  await installOperatorManifests(admin);
  await f.api.core.createNamespace({ body: { metadata: { name: namespace } } });
  operator = await OperatorProcess.start(kubeconfigs.operator, shard, {
    env: { PILOTHOUSE_OPERATOR_DATABASE_CHECKS: "disabled" },
  });
  dir = await mkdtemp(join(tmpdir(), "pilothouse-mycnf-"));
});

afterAll(async () => {
  server?.kill("SIGTERM");
  await operator?.stop();
  if (admin) await OperatorProcess.removeLease(admin, shard);
  await f?.releaseAll();
  await f?.api.core.deleteNamespace({ name: namespace }).catch(() => undefined);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("the rendered my.cnf on a real server", () => {
  it("MariaDB starts on the operator's ConfigMap read-only, with semi-sync and spec.mycnf", async () => {
    await f.api.create("cnf", shard, {
      engine: "mariadb",
      version: "11.4",
      replicas: 1,
      storage: { size: "1Gi" },
      mycnf: { max_connections: "321", "wait-timeout": "120" },
      resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "1Gi" } },
    });
    const configMap = await eventually("the ConfigMap", () =>
      f.api.core.readNamespacedConfigMap({ namespace, name: "cnf-config" }),
    );
    const apps = admin.makeApiClient(AppsV1Api);
    const statefulSet = await eventually("the StatefulSet", () =>
      apps.readNamespacedStatefulSet({ namespace, name: "cnf" }),
    );
    expect(statefulSet.spec?.template.spec?.containers[0]?.resources).toEqual({
      requests: { cpu: "250m", memory: "512Mi" },
      limits: { memory: "1Gi" },
    });

    const file = join(dir, "pilothouse.cnf");
    await writeFile(file, configMap.data?.["pilothouse.cnf"] ?? "");
    const data = join(dir, "data");
    await run("mariadb-install-db", [
      "--no-defaults",
      `--datadir=${data}`,
      "--user=root",
      "--auth-root-authentication-method=socket",
    ]);
    const socket = join(dir, "mysqld.sock");
    // --defaults-file must come first; the rest stands in for the pod's arguments and image.
    server = spawn(
      "mariadbd",
      [
        `--defaults-file=${file}`,
        `--datadir=${data}`,
        "--user=root",
        "--skip-networking",
        `--socket=${socket}`,
        `--pid-file=${join(dir, "mysqld.pid")}`,
        "--server-id=10",
      ],
      { stdio: "ignore" },
    );
    const db = await eventually(
      "mariadbd to accept connections",
      () => createConnection({ socketPath: socket, user: "root" }),
      { timeoutMs: 30_000, check: () => expect(server?.exitCode).toBeNull() },
    );
    const [rows] = await db.query<RowDataPacket[]>(
      "SELECT @@read_only AS readOnly, @@log_bin AS logBin, @@binlog_format AS binlogFormat, " +
        "@@rpl_semi_sync_master_enabled AS sourceEnabled, " +
        "@@rpl_semi_sync_master_wait_point AS waitPoint, " +
        "@@rpl_semi_sync_master_timeout AS timeoutMs, " +
        "@@rpl_semi_sync_slave_enabled AS replicaEnabled, " +
        "@@max_connections AS maxConnections, @@wait_timeout AS waitTimeout",
    );
    await db.end();
    expect(rows[0]).toEqual({
      readOnly: 1,
      logBin: 1,
      binlogFormat: "ROW",
      sourceEnabled: 1,
      waitPoint: "AFTER_SYNC",
      timeoutMs: 10_000,
      replicaEnabled: 1,
      maxConnections: 321,
      waitTimeout: 120,
    });
  });
});
