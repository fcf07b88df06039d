import "server-only";
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
} from "@kubernetes/client-node";
import { MySQLBackupNames } from "@/lib/crds/mysql-backup";
import { MYSQL_GROUP, MYSQL_VERSION, MySQLClusterNames } from "@/lib/crds/mysql-cluster";
import { isConflict, isNotFound, toKubeApiError } from "../runtime/kube-api-error";
import type { RawCluster } from "./api";
import { FIELD_MANAGER } from "./names";

/**
 * What the cluster's lifecycle (the deletion finalizer in deletion.ts, backup health, stop during
 * a backup) asks of the apiserver besides the rest of ClusterApi. Errors are KubeApiErrors;
 * deleting something already gone is not an error.
 */
export interface LifecycleApi {
  /**
   * Sets `metadata.finalizers` of the cluster as read in `raw` (merge patch carrying its
   * resourceVersion, so a concurrent change answers 409). Returns the cluster as stored after.
   */
  setFinalizers(raw: RawCluster, finalizers: string[]): Promise<RawCluster>;
  /** Deletes the StatefulSet; its pods go with it (background propagation). */
  deleteStatefulSet(namespace: string, name: string): Promise<void>;
  /** Names of the PersistentVolumeClaims matching a label selector. */
  listVolumeClaims(namespace: string, labelSelector: string): Promise<string[]>;
  deleteVolumeClaim(namespace: string, name: string): Promise<void>;
  deleteSecret(namespace: string, name: string): Promise<void>;
  /**
   * Removes the owner reference to `ownerUid` from a Secret, so that the garbage collector keeps
   * it when the owner goes. A missing Secret is not an error.
   */
  releaseSecret(namespace: string, name: string, ownerUid: string): Promise<void>;
  /** Every MySQLBackup of a namespace, as stored (the caller picks a cluster's by spec). */
  listBackups(namespace: string): Promise<unknown[]>;
  /** A MySQLBackup as stored, or undefined (404). */
  getBackup(namespace: string, name: string): Promise<unknown>;
  /** Creates a MySQLBackup; "exists" when one of that name already does (409). */
  createBackup(body: NewBackup): Promise<"created" | "exists">;
}

/** A MySQLBackup to create: any body with a name and namespace. */
export type NewBackup = Record<string, unknown> & {
  metadata: Record<string, unknown> & { name: string; namespace: string };
};

const mergePatch = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
const clusterCrd = { group: MYSQL_GROUP, version: MYSQL_VERSION, plural: MySQLClusterNames.plural };
const backupCrd = { group: MYSQL_GROUP, version: MYSQL_VERSION, plural: MySQLBackupNames.plural };

/** Runs `call`, treating 404 Not Found as done. */
async function ignoreNotFound(
  call: () => Promise<unknown>,
  target: { kind: string; namespace: string; name: string },
): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (isNotFound(error)) return;
    throw toKubeApiError(error, target);
  }
}

/**
 * The {@link LifecycleApi} over a real apiserver.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/finalizers/
 */
export function kubeLifecycleApi(kubeConfig: KubeConfig): LifecycleApi {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  return {
    async setFinalizers(raw, finalizers) {
      const { name, namespace, resourceVersion } = raw.metadata as {
        name: string;
        namespace: string;
        resourceVersion?: string;
      };
      try {
        const body = { metadata: { finalizers, resourceVersion } };
        const patched: unknown = await custom.patchNamespacedCustomObject(
          { ...clusterCrd, namespace, name, body, fieldManager: FIELD_MANAGER },
          mergePatch,
        );
        return patched as RawCluster;
      } catch (error) {
        throw toKubeApiError(error, { kind: MySQLClusterNames.kind, namespace, name });
      }
    },

    deleteStatefulSet: (namespace, name) =>
      ignoreNotFound(
        () =>
          apps.deleteNamespacedStatefulSet({ namespace, name, propagationPolicy: "Background" }),
        { kind: "StatefulSet", namespace, name },
      ),

    async listVolumeClaims(namespace, labelSelector) {
      try {
        const list = await core.listNamespacedPersistentVolumeClaim({ namespace, labelSelector });
        return list.items.map((claim) => claim.metadata?.name ?? "").filter(Boolean);
      } catch (error) {
        throw toKubeApiError(error, { kind: "PersistentVolumeClaim", namespace });
      }
    },

    deleteVolumeClaim: (namespace, name) =>
      ignoreNotFound(() => core.deleteNamespacedPersistentVolumeClaim({ namespace, name }), {
        kind: "PersistentVolumeClaim",
        namespace,
        name,
      }),

    deleteSecret: (namespace, name) =>
      ignoreNotFound(() => core.deleteNamespacedSecret({ namespace, name }), {
        kind: "Secret",
        namespace,
        name,
      }),

    async releaseSecret(namespace, name, ownerUid) {
      const target = { kind: "Secret", namespace, name };
      try {
        const secret = await core.readNamespacedSecret({ namespace, name });
        const owners = secret.metadata?.ownerReferences ?? [];
        const kept = owners.filter((owner) => owner.uid !== ownerUid);
        if (kept.length === owners.length) return;
        const body = {
          metadata: { ownerReferences: kept, resourceVersion: secret.metadata?.resourceVersion },
        };
        await core.patchNamespacedSecret(
          { namespace, name, body, fieldManager: FIELD_MANAGER },
          mergePatch,
        );
      } catch (error) {
        if (isNotFound(error)) return;
        throw toKubeApiError(error, target);
      }
    },

    async listBackups(namespace) {
      try {
        const list = (await custom.listNamespacedCustomObject({ ...backupCrd, namespace })) as {
          items?: unknown[];
        };
        return list.items ?? [];
      } catch (error) {
        throw toKubeApiError(error, { kind: MySQLBackupNames.kind, namespace });
      }
    },

    async getBackup(namespace, name) {
      try {
        const backup: unknown = await custom.getNamespacedCustomObject({
          ...backupCrd,
          namespace,
          name,
        });
        return backup;
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw toKubeApiError(error, { kind: MySQLBackupNames.kind, namespace, name });
      }
    },

    async createBackup(body) {
      const namespace = body.metadata.namespace;
      try {
        await custom.createNamespacedCustomObject({
          ...backupCrd,
          namespace,
          body,
          fieldManager: FIELD_MANAGER,
        });
        return "created";
      } catch (error) {
        if (isConflict(error)) return "exists";
        throw toKubeApiError(error, {
          kind: MySQLBackupNames.kind,
          namespace,
          name: body.metadata.name,
        });
      }
    },
  };
}
