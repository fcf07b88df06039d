import "server-only";
import { randomBytes } from "node:crypto";
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
  type KubernetesObject,
  type V1Pod,
  type V1Secret,
  type V1StatefulSet,
} from "@kubernetes/client-node";
import {
  MYSQL_GROUP,
  MYSQL_VERSION,
  MySQLClusterNames,
  type MySQLCluster,
} from "@/lib/crds/mysql-cluster";
import { isConflict, isNotFound, kubeStatus, toKubeApiError } from "../runtime/kube-api-error";
import {
  createObjectEvent,
  getCustomObject,
  listItems,
  orUndefined,
  replaceCustomObjectStatus,
  serverSideApply,
} from "../runtime/custom-objects";
import { kubeLifecycleApi, type LifecycleApi } from "./lifecycle-api";
import { FIELD_MANAGER } from "./names";
import type { ClusterEvent } from "./status-events";

/** A MySQLCluster exactly as read: what is written back to the status subresource. */
export type RawCluster = Record<string, unknown> & { metadata?: { resourceVersion?: string } };

/**
 * Everything the MySQLCluster controller asks of the apiserver. Errors are
 * {@link import("../runtime/kube-api-error").KubeApiError}s.
 */
export interface ClusterApi extends LifecycleApi {
  /** The cluster as stored, or undefined when it does not exist (404). */
  getCluster(namespace: string, name: string): Promise<RawCluster | undefined>;
  /**
   * Creates the Secret built by `build` unless one of that name exists; `build` runs only when
   * the Secret is missing, and an existing Secret is never modified.
   */
  createSecretIfAbsent(
    namespace: string,
    name: string,
    build: () => V1Secret,
  ): Promise<"created" | "exists">;
  /** The StatefulSet, or undefined when it does not exist (404). */
  getStatefulSet(namespace: string, name: string): Promise<V1StatefulSet | undefined>;
  /** The Secret, or undefined when it does not exist (404). */
  readSecret(namespace: string, name: string): Promise<V1Secret | undefined>;
  /** Adds or replaces keys of a Secret's `data` (values are plain text; a JSON merge patch). */
  patchSecretData(namespace: string, name: string, data: Record<string, string>): Promise<void>;
  /** Sets (string) or removes (null) labels of a pod with a JSON merge patch. */
  patchPodLabels(
    namespace: string,
    pod: string,
    labels: Record<string, string | null>,
  ): Promise<void>;
  /**
   * JSON merge patch of the status subresource: no resourceVersion precondition, so it cannot
   * conflict. For records that must not be lost to a 409 (a new primary after a failover).
   */
  patchStatus(namespace: string, name: string, status: Record<string, unknown>): Promise<void>;
  /**
   * Removes one annotation if it still has `value` (JSON patch with a `test`); false when it was
   * changed or removed meanwhile.
   */
  removeAnnotation(namespace: string, name: string, key: string, value: string): Promise<boolean>;
  /** Server-side apply with the operator's field manager, taking over conflicting fields. */
  apply<T extends KubernetesObject>(object: T): Promise<T>;
  listPods(namespace: string, labelSelector: string): Promise<V1Pod[]>;
  /** PUT to the status subresource; 409 when `cluster` is not the latest version. */
  replaceStatus(cluster: RawCluster): Promise<void>;
  recordEvent(cluster: MySQLCluster, event: ClusterEvent, now: Date): Promise<void>;
}

/** A random root password: 24 bytes (192 bits) as 32 URL-safe characters. */
export function generatePassword(): string {
  return randomBytes(24).toString("base64url");
}

const crd = { group: MYSQL_GROUP, version: MYSQL_VERSION, plural: MySQLClusterNames.plural };
const mergePatch = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
const jsonPatch = setHeaderOptions("Content-Type", PatchStrategy.JsonPatch);

/**
 * The {@link ClusterApi} over a real apiserver. `options.instance` names this operator process
 * in the Events it records (`reportingInstance`), e.g. its pod or host name.
 *
 * @see https://kubernetes.io/docs/reference/using-api/server-side-apply/
 */
export function kubeClusterApi(kubeConfig: KubeConfig, options: { instance: string }): ClusterApi {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
  const kind = MySQLClusterNames.kind;

  return {
    ...kubeLifecycleApi(kubeConfig),
    getCluster: (namespace, name) => getCustomObject(custom, crd, kind, namespace, name),

    async createSecretIfAbsent(namespace, name, build) {
      const target = { kind: "Secret", namespace, name };
      try {
        await core.readNamespacedSecret({ namespace, name });
        return "exists";
      } catch (error) {
        if (!isNotFound(error)) throw toKubeApiError(error, target);
      }
      try {
        await core.createNamespacedSecret({
          namespace,
          body: build(),
          fieldManager: FIELD_MANAGER,
        });
        return "created";
      } catch (error) {
        if (isConflict(error)) return "exists";
        throw toKubeApiError(error, target);
      }
    },

    apply: <T extends KubernetesObject>(object: T) => serverSideApply(objects, object, "?"),

    getStatefulSet: (namespace, name) =>
      orUndefined(() => apps.readNamespacedStatefulSet({ namespace, name }), {
        kind: "StatefulSet",
        namespace,
        name,
      }),

    readSecret: (namespace, name) =>
      orUndefined(() => core.readNamespacedSecret({ namespace, name }), {
        kind: "Secret",
        namespace,
        name,
      }),

    async patchSecretData(namespace, name, data) {
      const encoded = Object.fromEntries(
        Object.entries(data).map(([key, value]) => [key, Buffer.from(value).toString("base64")]),
      );
      try {
        await core.patchNamespacedSecret(
          { namespace, name, body: { data: encoded }, fieldManager: FIELD_MANAGER },
          mergePatch,
        );
      } catch (error) {
        throw toKubeApiError(error, { kind: "Secret", namespace, name });
      }
    },

    async patchPodLabels(namespace, name, labels) {
      try {
        await core.patchNamespacedPod(
          { namespace, name, body: { metadata: { labels } }, fieldManager: FIELD_MANAGER },
          mergePatch,
        );
      } catch (error) {
        throw toKubeApiError(error, { kind: "Pod", namespace, name });
      }
    },

    async patchStatus(namespace, name, status) {
      try {
        await custom.patchNamespacedCustomObjectStatus(
          { ...crd, namespace, name, body: { status }, fieldManager: FIELD_MANAGER },
          mergePatch,
        );
      } catch (error) {
        throw toKubeApiError(error, { kind, namespace, name });
      }
    },

    async removeAnnotation(namespace, name, key, value) {
      const path = `/metadata/annotations/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`;
      const body = [
        { op: "test", path, value },
        { op: "remove", path },
      ];
      try {
        await custom.patchNamespacedCustomObject(
          { ...crd, namespace, name, body, fieldManager: FIELD_MANAGER },
          jsonPatch,
        );
        return true;
      } catch (error) {
        // 422: the test failed (the annotation changed); 404: the cluster is gone.
        if (isNotFound(error) || kubeStatus(error) === 422) return false;
        throw toKubeApiError(error, { kind, namespace, name });
      }
    },

    listPods: (namespace, labelSelector) =>
      listItems(() => core.listNamespacedPod({ namespace, labelSelector }), {
        kind: "Pod",
        namespace,
      }),

    replaceStatus: (cluster) => replaceCustomObjectStatus(custom, crd, kind, cluster),

    async recordEvent(cluster, event, now) {
      const { name, namespace, uid, resourceVersion } = cluster.metadata;
      await createObjectEvent(
        core,
        { apiVersion: cluster.apiVersion, kind, name, namespace, uid, resourceVersion },
        event,
        { instance: options.instance, now },
      );
    },
  };
}
