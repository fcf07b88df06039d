import "server-only";
import {
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  type KubeConfig,
} from "@kubernetes/client-node";
import { MYSQL_GROUP, MYSQL_VERSION, MySQLClusterNames } from "@/lib/crds/mysql-cluster";
import { MySQLRestoreNames, RESTORE_IN_PROGRESS_ANNOTATION } from "@/lib/crds/mysql-restore";
import { kubeBackupApi, type BackupApi, type RawObject } from "../mysql-backup/api";
import {
  createCustomObject,
  listCustomObjects,
  mergePatchMetadata,
  metaOf,
  orUndefined,
  replaceCustomObjectStatus,
} from "../mysql-common/kube";
import { isNotFound, toKubeApiError } from "../runtime/kube-api-error";
import type { PrimaryWritesApi } from "./database";

/**
 * Everything the MySQLRestore controller asks of the apiserver. Errors are `KubeApiError`s;
 * reads answer undefined for 404. The backup, cluster, Secret, Job and Event calls are the
 * backup controller's.
 */
export interface RestoreApi
  extends
    Pick<
      BackupApi,
      | "getBackup"
      | "getCluster"
      | "readSecret"
      | "createJob"
      | "getJob"
      | "listJobPods"
      | "recordEvent"
    >,
    PrimaryWritesApi {
  getRestore(namespace: string, name: string): Promise<RawObject | undefined>;
  listRestores(namespace: string): Promise<RawObject[]>;
  /** PUT to the status subresource; 409 when `restore` is not the latest version. */
  replaceRestoreStatus(restore: RawObject): Promise<void>;
  /** Creates a MySQLCluster; `exists` when one of that name is already there. */
  createCluster(cluster: RawObject): Promise<"created" | "exists">;
  /**
   * Sets (a restore's name) or removes (null) the restore-in-progress annotation of a cluster,
   * guarded by its resourceVersion: 409 when `cluster` is stale.
   */
  setRestoreAnnotation(cluster: RawObject, value: string | null): Promise<void>;
  /** Sets `metadata.finalizers`, guarded by the object's resourceVersion (409 when stale). */
  setRestoreFinalizers(restore: RawObject, finalizers: string[]): Promise<void>;
}

const restores = { group: MYSQL_GROUP, version: MYSQL_VERSION, plural: MySQLRestoreNames.plural };
const clusters = { group: MYSQL_GROUP, version: MYSQL_VERSION, plural: MySQLClusterNames.plural };

/** The {@link RestoreApi} over a real apiserver; `instance` names this process in Events. */
export function kubeRestoreApi(kubeConfig: KubeConfig, instance: string): RestoreApi {
  const backupApi = kubeBackupApi(kubeConfig, instance);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
  const kind = MySQLRestoreNames.kind;

  return {
    getBackup: (namespace, name) => backupApi.getBackup(namespace, name),
    getCluster: (namespace, name) => backupApi.getCluster(namespace, name),
    readSecret: (namespace, name) => backupApi.readSecret(namespace, name),
    createJob: (job) => backupApi.createJob(job),
    getJob: (namespace, name) => backupApi.getJob(namespace, name),
    listJobPods: (namespace, job) => backupApi.listJobPods(namespace, job),
    recordEvent: (target, event, now) => backupApi.recordEvent(target, event, now),

    async getPod(namespace, name) {
      try {
        return await core.readNamespacedPod({ namespace, name });
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw toKubeApiError(error, { kind: "Pod", namespace, name });
      }
    },

    getRestore: (namespace, name) =>
      orUndefined(
        async () =>
          (await custom.getNamespacedCustomObject({ ...restores, namespace, name })) as RawObject,
        { kind, namespace, name },
      ),
    listRestores: (namespace) => listCustomObjects(custom, restores, kind, namespace),
    replaceRestoreStatus: (restore) => replaceCustomObjectStatus(custom, restores, kind, restore),
    createCluster: (cluster) =>
      createCustomObject(custom, clusters, MySQLClusterNames.kind, cluster),

    async setRestoreFinalizers(restore, finalizers) {
      await mergePatchMetadata(objects, kind, {
        ...metaOf(restore),
        resourceVersion: restore.metadata?.resourceVersion,
        finalizers,
      });
    },

    async setRestoreAnnotation(cluster, value) {
      // A merge patch carrying resourceVersion: the apiserver answers 409 when it is stale, so
      // two restores never both believe they hold the cluster.
      await mergePatchMetadata(objects, MySQLClusterNames.kind, {
        ...metaOf(cluster),
        resourceVersion: cluster.metadata?.resourceVersion,
        annotations: { [RESTORE_IN_PROGRESS_ANNOTATION]: value },
      });
    },
  };
}
