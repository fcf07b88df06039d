/**
 * Helpers of the MySQLCluster lifecycle integration tests (mysql-cluster-lifecycle*.test.ts):
 * one namespace and operator shard per file, clusters with bound volumes, deletion, and
 * MySQLBackups recorded in a given phase (KWOK runs no backup container, so a test holds a run
 * paused and writes the status a run in that phase has).
 */
import { ApiException, CustomObjectsApi, type KubeConfig } from "@kubernetes/client-node";
import { OPERATOR_SHARD_LABEL, RECONCILE_ANNOTATION } from "@/lib/crds/common";
import {
  MYSQL_API_VERSION,
  MYSQL_CLUSTER_FINALIZER,
  MYSQL_GROUP,
  MYSQL_VERSION,
  type MySQLClusterSpecInput,
} from "@/lib/crds/mysql-cluster";
import { eventually } from "./eventually";
import { clusterApi } from "./mysql-cluster-api";

/** A storage whose credentials Secret (`s3-keys`) does not exist: backups to it fail. */
export const UNUSABLE_STORAGE = {
  name: "main",
  s3: {
    endpoint: "http://127.0.0.1:9",
    bucket: "final-backups",
    forcePathStyle: true,
    credentialsSecretRef: { name: "s3-keys" },
  },
};

/** The lifecycle helpers for one namespace and shard; `alive` fails waits once the operator died. */
export function lifecycleFixtures(
  admin: KubeConfig,
  namespace: string,
  shard: string,
  alive: () => void,
) {
  const custom = admin.makeApiClient(CustomObjectsApi);
  const api = clusterApi(admin, namespace);
  const crd = (plural: string) => ({
    group: MYSQL_GROUP,
    version: MYSQL_VERSION,
    plural,
    namespace,
  });

  async function volumeClaims(name: string) {
    const list = await api.core.listNamespacedPersistentVolumeClaim({
      namespace,
      labelSelector: `app.kubernetes.io/instance=${name}`,
    });
    return list.items.map((c) => ({ name: c.metadata?.name ?? "", phase: c.status?.phase }));
  }

  async function pods(name: string) {
    const list = await api.core.listNamespacedPod({
      namespace,
      labelSelector: `app.kubernetes.io/instance=${name}`,
    });
    return list.items;
  }

  return {
    api,
    custom,
    crd,
    volumeClaims,
    pods,

    /** Creates a 2-server cluster and waits for its bound volumes, finalizer and ready pods. */
    async runningCluster(name: string, spec: Partial<MySQLClusterSpecInput>) {
      await api.create(name, shard, { replicas: 2, storage: { size: "1Gi" }, ...spec });
      await eventually(
        `${name}'s 2 volume claims to be bound`,
        async () => {
          const claims = await volumeClaims(name);
          return claims.length === 2 && claims.every((c) => c.phase === "Bound") ? true : undefined;
        },
        { check: alive, timeoutMs: 90_000 },
      );
      return eventually(
        `${name} to carry the finalizer and run 2 ready servers`,
        async () => {
          const current = await api.read(name);
          const finalized = current.metadata.finalizers?.includes(MYSQL_CLUSTER_FINALIZER);
          return finalized && current.status?.readyReplicas === 2 ? current : undefined;
        },
        { check: alive },
      );
    },

    async secretExists(name: string): Promise<boolean> {
      return api.core.readNamespacedSecret({ namespace, name: `${name}-credentials` }).then(
        () => true,
        (error: unknown) => {
          if (error instanceof ApiException && error.code === 404) return false;
          throw error;
        },
      );
    },

    deleteCluster(name: string) {
      return custom.deleteNamespacedCustomObject({ ...crd("mysqlclusters"), name });
    },

    gone(name: string) {
      return eventually(
        `MySQLCluster ${name} to be gone`,
        () =>
          api.read(name).then(
            () => undefined,
            (error: unknown) =>
              error instanceof ApiException && error.code === 404 ? true : undefined,
          ),
        { check: alive },
      );
    },

    /** Waits until a cluster runs `count` pods. */
    podCount(name: string, count: number) {
      return eventually(
        `${name} to run ${count} pods`,
        async () => ((await pods(name)).length === count ? true : undefined),
        { check: alive },
      );
    },

    /** The first Event of a cluster with `reason`, once recorded (Events follow status writes). */
    async event(name: string, reason: string) {
      return eventually(`a ${reason} Event on ${name}`, async () => {
        const events = await api.events(name);
        const found = events.find((e) => e.reason === reason);
        return found ? { type: found.type, reason, message: found.message ?? "" } : undefined;
      });
    },

    /** Creates a MySQLBackup of `cluster` held paused, so the operator does not start it. */
    async heldBackup(name: string, cluster: string) {
      await custom.createNamespacedCustomObject({
        ...crd("mysqlbackups"),
        body: {
          apiVersion: MYSQL_API_VERSION,
          kind: "MySQLBackup",
          metadata: {
            name,
            labels: { [OPERATOR_SHARD_LABEL]: shard },
            annotations: { [RECONCILE_ANNOTATION]: "paused" },
          },
          spec: { clusterName: cluster, storageName: "main" },
        },
      });
    },

    /** Writes the status a run in `phase` has (Succeeded: as a verified run ends). */
    async recordBackup(name: string, cluster: string, phase: "Running" | "Succeeded") {
      const at = new Date().toISOString().replace(/\.\d+Z$/, "Z");
      const key = `${namespace}/${cluster}/${name}.sql.gz`;
      const location = { bucket: "final-backups", key, url: `s3://final-backups/${key}` };
      const status =
        phase === "Running"
          ? { phase, startedAt: at, jobName: `${name}-backup`, location }
          : {
              phase,
              startedAt: at,
              completedAt: at,
              location,
              sizeBytes: 20,
              sha256: "0".repeat(64),
            };
      await custom.patchNamespacedCustomObjectStatus({
        ...crd("mysqlbackups"),
        name,
        body: [{ op: "add", path: "/status", value: status }],
      });
    },

    /** Lets the operator act on a held backup again. */
    releaseBackup(name: string) {
      return custom.patchNamespacedCustomObject({
        ...crd("mysqlbackups"),
        name,
        body: [{ op: "remove", path: "/metadata/annotations" }],
      });
    },

    /** Removes every finalizer of the namespace's clusters and backups (the operator is gone). */
    async releaseAll() {
      for (const plural of ["mysqlclusters", "mysqlbackups"]) {
        const list = (await custom
          .listNamespacedCustomObject(crd(plural))
          .catch(() => ({ items: [] }))) as { items: { metadata: { name: string } }[] };
        for (const item of list.items) {
          await custom
            .patchNamespacedCustomObject({
              ...crd(plural),
              name: item.metadata.name,
              body: [{ op: "replace", path: "/metadata/finalizers", value: [] }],
            })
            .catch(() => undefined);
        }
      }
    },
  };
}
