import "server-only";
import { hostname } from "node:os";
import {
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  type KubeConfig,
  type V1Secret,
} from "@kubernetes/client-node";
import { KAFKA_API_VERSION, KAFKA_GROUP, KAFKA_VERSION } from "@/lib/crds/kafka-common";
import {
  createObjectEvent,
  getCustomObject,
  mergePatchMetadata,
  metaOf,
  orUndefined,
  replaceCustomObjectStatus,
  type RawObject,
} from "../runtime/custom-objects";
import { isConflict, toKubeApiError } from "../runtime/kube-api-error";
import { FIELD_MANAGER } from "../mysql-cluster/names";
import type { KafkaEvent } from "./events";

export type { RawObject } from "../runtime/custom-objects";

/**
 * What the KafkaTopic and KafkaUser controllers ask of the apiserver for one kind (`plural`).
 * Errors are `KubeApiError`s; reads answer undefined for 404.
 */
export interface KafkaObjectApi {
  get(namespace: string, name: string): Promise<RawObject | undefined>;
  /** PUT to the status subresource; 409 when `object` is not the latest version. */
  replaceStatus(object: RawObject): Promise<void>;
  /** Sets `metadata.finalizers`, guarded by the object's resourceVersion (409 when stale). */
  setFinalizers(object: RawObject, finalizers: string[]): Promise<void>;
  readSecret(namespace: string, name: string): Promise<V1Secret | undefined>;
  /** Creates a Secret; `exists` when one of that name is already there. */
  createSecret(secret: V1Secret): Promise<"created" | "exists">;
  /** Creates a core/v1 Event whose involvedObject is `object`. */
  recordEvent(object: RawObject, event: KafkaEvent, now: Date): Promise<void>;
}

/** The {@link KafkaObjectApi} of one Kafka kind over a real apiserver. */
export function kubeKafkaObjectApi(
  kubeConfig: KubeConfig,
  names: { kind: string; plural: string },
): KafkaObjectApi {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
  const resource = { group: KAFKA_GROUP, version: KAFKA_VERSION, plural: names.plural };
  const instance = hostname();
  return {
    async recordEvent(object, event, now) {
      const { namespace = "", name, uid, resourceVersion } = object.metadata ?? {};
      const target = { apiVersion: KAFKA_API_VERSION, kind: names.kind, name, namespace, uid };
      try {
        await createObjectEvent(
          core,
          { ...target, name: name ?? "kafka", resourceVersion },
          event,
          { instance, now },
        );
      } catch (error) {
        throw toKubeApiError(error, { kind: "Event", namespace, name });
      }
    },
    get: (namespace, name) => getCustomObject(custom, resource, names.kind, namespace, name),
    readSecret: (namespace, name) =>
      orUndefined(() => core.readNamespacedSecret({ namespace, name }), {
        kind: "Secret",
        namespace,
        name,
      }),
    async createSecret(secret) {
      const namespace = secret.metadata?.namespace ?? "";
      try {
        await core.createNamespacedSecret({ namespace, body: secret, fieldManager: FIELD_MANAGER });
        return "created";
      } catch (error) {
        if (isConflict(error)) return "exists";
        throw toKubeApiError(error, { kind: "Secret", namespace, name: secret.metadata?.name });
      }
    },
    replaceStatus: (object) => replaceCustomObjectStatus(custom, resource, names.kind, object),
    // A merge patch carrying resourceVersion: the apiserver answers 409 when it is stale.
    setFinalizers: (object, finalizers) =>
      mergePatchMetadata(
        objects,
        { apiVersion: KAFKA_API_VERSION, kind: names.kind },
        { ...metaOf(object), resourceVersion: object.metadata?.resourceVersion, finalizers },
      ),
  };
}
