import "server-only";
import {
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  type KubeConfig,
  type V1Job,
  type V1Pod,
  type V1Secret,
} from "@kubernetes/client-node";
import { MySQLBackupNames } from "@/lib/crds/mysql-backup";
import { MYSQL_GROUP, MYSQL_VERSION, MySQLClusterNames } from "@/lib/crds/mysql-cluster";
import { createObjectEvent, getCustomObject, listItems } from "../runtime/custom-objects";
import {
  createCustomObject,
  listCustomObjects,
  mergePatchMetadata,
  metaOf,
  orUndefined,
  replaceCustomObjectStatus,
  type EventTarget,
  type RawObject,
} from "../mysql-common/kube";
import { isConflict, isNotFound, toKubeApiError } from "../runtime/kube-api-error";
import { FIELD_MANAGER } from "../mysql-cluster/names";
import type { BackupEvent } from "./status";

export type { RawObject } from "../mysql-common/kube";

export type { EventTarget } from "../mysql-common/kube";

/**
 * Everything the backup controllers ask of the apiserver. Errors are `KubeApiError`s; reads
 * answer undefined for 404.
 */
export interface BackupApi {
  getBackup(namespace: string, name: string): Promise<RawObject | undefined>;
  getCluster(namespace: string, name: string): Promise<RawObject | undefined>;
  readSecret(namespace: string, name: string): Promise<V1Secret | undefined>;
  /** Creates the Job; `exists` when one of that name is already there. */
  createJob(job: V1Job): Promise<"created" | "exists">;
  getJob(namespace: string, name: string): Promise<V1Job | undefined>;
  /** Deletes a Job in the foreground (it goes away after its pods); 404 is fine. */
  deleteJob(namespace: string, name: string): Promise<void>;
  /** The pods of a Job (label `batch.kubernetes.io/job-name`). */
  listJobPods(namespace: string, job: string): Promise<V1Pod[]>;
  /** PUT to the status subresource; 409 when `backup` is not the latest version. */
  replaceBackupStatus(backup: RawObject): Promise<void>;
  /** Sets `metadata.finalizers`, guarded by the object's resourceVersion (409 when stale). */
  setBackupFinalizers(backup: RawObject, finalizers: string[]): Promise<void>;
  listBackups(namespace: string, labelSelector: string): Promise<RawObject[]>;
  /** Creates a MySQLBackup; `exists` when one of that name is already there. */
  createBackup(backup: RawObject): Promise<"created" | "exists">;
  /** Deletes a MySQLBackup (its finalizer then deletes the stored object); 404 is fine. */
  deleteBackup(namespace: string, name: string): Promise<void>;
  recordEvent(target: EventTarget, event: BackupEvent, now: Date): Promise<void>;
}

const backups = { group: MYSQL_GROUP, version: MYSQL_VERSION, plural: MySQLBackupNames.plural };
const clusters = { group: MYSQL_GROUP, version: MYSQL_VERSION, plural: MySQLClusterNames.plural };

/**
 * The {@link BackupApi} over a real apiserver. `instance` names this operator process in the
 * Events it records.
 */
export function kubeBackupApi(kubeConfig: KubeConfig, instance: string): BackupApi {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const batch = kubeConfig.makeApiClient(BatchV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
  const kind = MySQLBackupNames.kind;

  return {
    getBackup: (namespace, name) => getCustomObject(custom, backups, kind, namespace, name),
    getCluster: (namespace, name) =>
      getCustomObject(custom, clusters, MySQLClusterNames.kind, namespace, name),
    readSecret: (namespace, name) =>
      orUndefined(() => core.readNamespacedSecret({ namespace, name }), {
        kind: "Secret",
        namespace,
        name,
      }),
    getJob: (namespace, name) =>
      orUndefined(() => batch.readNamespacedJob({ namespace, name }), {
        kind: "Job",
        namespace,
        name,
      }),

    async createJob(job) {
      const namespace = job.metadata?.namespace ?? "";
      try {
        await batch.createNamespacedJob({ namespace, body: job, fieldManager: FIELD_MANAGER });
        return "created";
      } catch (error) {
        if (isConflict(error)) return "exists";
        throw toKubeApiError(error, { kind: "Job", namespace, name: job.metadata?.name });
      }
    },

    async deleteJob(namespace, name) {
      try {
        await batch.deleteNamespacedJob({ namespace, name, propagationPolicy: "Foreground" });
      } catch (error) {
        if (!isNotFound(error)) throw toKubeApiError(error, { kind: "Job", namespace, name });
      }
    },

    listJobPods: (namespace, job) =>
      listItems(
        () =>
          core.listNamespacedPod({
            namespace,
            labelSelector: `batch.kubernetes.io/job-name=${job}`,
          }),
        { kind: "Pod", namespace },
      ),

    replaceBackupStatus: (backup) => replaceCustomObjectStatus(custom, backups, kind, backup),

    async setBackupFinalizers(backup, finalizers) {
      // A merge patch carrying resourceVersion: the apiserver answers 409 when it is stale.
      await mergePatchMetadata(objects, kind, {
        ...metaOf(backup),
        resourceVersion: backup.metadata?.resourceVersion,
        finalizers,
      });
    },

    listBackups: (namespace, labelSelector) =>
      listCustomObjects(custom, backups, kind, namespace, labelSelector),
    createBackup: (backup) => createCustomObject(custom, backups, kind, backup),

    async deleteBackup(namespace, name) {
      try {
        await custom.deleteNamespacedCustomObject({ ...backups, namespace, name });
      } catch (error) {
        if (!isNotFound(error)) throw toKubeApiError(error, { kind, namespace, name });
      }
    },

    recordEvent: (target, event, now) => createObjectEvent(core, target, event, { instance, now }),
  };
}
