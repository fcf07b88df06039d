/**
 * The calls the MySQLRestore integration test makes on its namespace, as the admin: read and
 * create MySQLRestores, MySQLBackups and MySQLClusters (labelled with the test's shard), pause and
 * resume an object, wait for a state, and list a restore's Events.
 */
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from "@kubernetes/client-node";
import { OPERATOR_SHARD_LABEL, RECONCILE_ANNOTATION } from "@/lib/crds/common";
import { MySQLBackupSchema } from "@/lib/crds/mysql-backup";
import {
  MYSQL_API_VERSION,
  MYSQL_GROUP,
  MYSQL_VERSION,
  MySQLClusterSchema,
  type MySQLCluster,
} from "@/lib/crds/mysql-cluster";
import { MySQLRestoreSchema } from "@/lib/crds/mysql-restore";
import { eventually } from "./eventually";

/** The spec of a one-server MariaDB 10.11 cluster (the local servers' version), plus `extra`. */
export const clusterSpec = (extra: Record<string, unknown> = {}) => ({
  engine: "mariadb",
  version: "10.11",
  replicas: 1,
  storage: { size: "1Gi" },
  ...extra,
});

/** True when the cluster's Ready condition is True. */
export const clusterReady = (cluster: MySQLCluster) =>
  cluster.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;

/**
 * @param check runs before each poll of a wait (e.g. "the operator is still alive").
 */
export function restoreObjects(
  admin: KubeConfig,
  namespace: string,
  shard: string,
  check: () => void,
) {
  const core = admin.makeApiClient(CoreV1Api);
  const custom = admin.makeApiClient(CustomObjectsApi);
  const labels = { [OPERATOR_SHARD_LABEL]: shard };
  const api = (plural: string) => ({
    group: MYSQL_GROUP,
    version: MYSQL_VERSION,
    plural,
    namespace,
  });
  const read = async <T>(plural: string, name: string, parse: (raw: unknown) => T) =>
    parse(await custom.getNamespacedCustomObject({ ...api(plural), name }));
  const readRestore = (name: string) =>
    read("mysqlrestores", name, (raw) => MySQLRestoreSchema.parse(raw));
  const create = (plural: string, kind: string, metadata: Record<string, unknown>, spec: object) =>
    custom.createNamespacedCustomObject({
      ...api(plural),
      body: { apiVersion: MYSQL_API_VERSION, kind, metadata: { labels, ...metadata }, spec },
    });

  /** Waits until what `load` returns satisfies `done`; returns it. */
  const until = <T>(
    what: string,
    load: () => Promise<T>,
    done: (value: T) => boolean,
    ms = 60_000,
  ) =>
    eventually(
      what,
      async () => {
        const value = await load();
        return done(value) ? value : undefined;
      },
      { check, timeoutMs: ms, intervalMs: 500 },
    );

  return {
    core,
    custom,
    labels,
    api,
    create,
    until,
    readRestore,
    readCluster: (name: string) =>
      read("mysqlclusters", name, (raw) => MySQLClusterSchema.parse(raw)),
    readBackup: (name: string) => read("mysqlbackups", name, (raw) => MySQLBackupSchema.parse(raw)),
    createRestore: (name: string, spec: object, metadata: Record<string, unknown> = {}) =>
      create("mysqlrestores", "MySQLRestore", { name, ...metadata }, spec),

    /** Removes every annotation (the tests only ever set pilothouse.dev/reconcile). */
    unpause: (plural: string, name: string) =>
      custom.patchNamespacedCustomObject({
        ...api(plural),
        name,
        body: [{ op: "add", path: "/metadata/annotations", value: {} }],
      }),

    /** Pauses an object: its annotations become pilothouse.dev/reconcile=paused alone. */
    pause: (plural: string, name: string) =>
      custom.patchNamespacedCustomObject({
        ...api(plural),
        name,
        body: [
          { op: "add", path: "/metadata/annotations", value: { [RECONCILE_ANNOTATION]: "paused" } },
        ],
      }),

    /** The restore once it is Succeeded or Failed. */
    finished: (name: string) =>
      until(
        `MySQLRestore ${name} to finish`,
        () => readRestore(name),
        (r) => ["Succeeded", "Failed"].includes(r.status?.phase ?? ""),
      ),

    async events(name: string): Promise<{ reason: string; message: string }[]> {
      const list = await core.listNamespacedEvent({
        namespace,
        fieldSelector: `involvedObject.kind=MySQLRestore,involvedObject.name=${name}`,
      });
      return list.items.map((e) => ({ reason: e.reason ?? "", message: e.message ?? "" }));
    },
  };
}
