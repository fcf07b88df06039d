import "server-only";
import {
  PatchStrategy,
  type CoreV1Api,
  type CustomObjectsApi,
  type KubernetesObject,
  type KubernetesObjectApi,
} from "@kubernetes/client-node";
import { FIELD_MANAGER } from "../mysql-cluster/names";
import { kubeTime } from "./conditions";
import { isConflict, isNotFound, toKubeApiError } from "./kube-api-error";

/**
 * Apiserver helpers for the operator's custom resources of any API group
 * (`mysql.pilothouse.dev`, `kafka.pilothouse.dev`), parameterised by group, version and plural,
 * and for the Events recorded on them. Errors are `KubeApiError`s naming the object.
 */

/** A custom object exactly as read: what is written back to the status subresource. */
export type RawObject = Record<string, unknown> & {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; uid?: string };
};

/** A custom resource's `{ group, version, plural }`, as the custom objects API takes it. */
export interface CustomResource {
  group: string;
  version: string;
  plural: string;
}

/** `{ namespace, name }` of an object (empty strings where its metadata lacks them). */
export const metaOf = (object: RawObject) => ({
  namespace: object.metadata?.namespace ?? "",
  name: object.metadata?.name ?? "",
});

/**
 * Runs a read; a 404 answers `undefined`.
 *
 * @throws KubeApiError naming `target` for any other failure.
 */
export async function orUndefined<T>(
  read: () => Promise<T>,
  target: { kind: string; namespace?: string; name?: string },
): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw toKubeApiError(error, target);
  }
}

/**
 * Runs a list call and answers its items.
 *
 * @throws KubeApiError naming `target` (the kind listed, and the namespace) for any failure.
 */
export async function listItems<T>(
  list: () => Promise<{ items: T[] }>,
  target: { kind: string; namespace?: string },
): Promise<T[]> {
  try {
    return (await list()).items;
  } catch (error) {
    throw toKubeApiError(error, target);
  }
}

/**
 * Runs a delete; a 404 counts as deleted.
 *
 * @throws KubeApiError naming `target` for any other failure.
 */
export async function ignoreNotFound(
  remove: () => Promise<unknown>,
  target: { kind: string; namespace?: string; name?: string },
): Promise<void> {
  try {
    await remove();
  } catch (error) {
    if (!isNotFound(error)) throw toKubeApiError(error, target);
  }
}

/**
 * Reads one custom object of `resource` (of `kind`, for errors); undefined when it does not exist.
 *
 * @throws KubeApiError naming the object for any failure but 404.
 */
export function getCustomObject(
  custom: CustomObjectsApi,
  resource: CustomResource,
  kind: string,
  namespace: string,
  name: string,
): Promise<RawObject | undefined> {
  return orUndefined(
    async () =>
      (await custom.getNamespacedCustomObject({ ...resource, namespace, name })) as RawObject,
    { kind, namespace, name },
  );
}

/**
 * Lists the custom objects of `resource` in `namespace` (optionally by label selector).
 *
 * @throws KubeApiError naming `kind` and `namespace`.
 */
export async function listCustomObjects(
  custom: CustomObjectsApi,
  resource: CustomResource,
  kind: string,
  namespace: string,
  labelSelector?: string,
): Promise<RawObject[]> {
  try {
    const list = (await custom.listNamespacedCustomObject({
      ...resource,
      namespace,
      labelSelector,
    })) as { items?: RawObject[] };
    return list.items ?? [];
  } catch (error) {
    throw toKubeApiError(error, { kind, namespace });
  }
}

/**
 * Creates a custom object of `resource` as Pilothouse's field manager.
 *
 * @returns `created`, or `exists` when an object of that name is already there (409).
 * @throws KubeApiError naming the object for any other failure.
 */
export async function createCustomObject(
  custom: CustomObjectsApi,
  resource: CustomResource,
  kind: string,
  object: RawObject,
): Promise<"created" | "exists"> {
  const { namespace, name } = metaOf(object);
  try {
    await custom.createNamespacedCustomObject({
      ...resource,
      namespace,
      body: object,
      fieldManager: FIELD_MANAGER,
    });
    return "created";
  } catch (error) {
    if (isConflict(error)) return "exists";
    throw toKubeApiError(error, { kind, namespace, name });
  }
}

/**
 * PUTs `object` to its status subresource; the apiserver answers 409 when `object` is not the
 * latest version.
 *
 * @throws KubeApiError naming the object.
 */
export async function replaceCustomObjectStatus(
  custom: CustomObjectsApi,
  resource: CustomResource,
  kind: string,
  object: RawObject,
): Promise<void> {
  const metadata = metaOf(object);
  try {
    await custom.replaceNamespacedCustomObjectStatus({ ...resource, ...metadata, body: object });
  } catch (error) {
    throw toKubeApiError(error, { kind, ...metadata });
  }
}

/**
 * Sends a JSON merge patch (RFC 7386) of `metadata` to the object of `apiVersion` and `kind`
 * named by `metadata`, as Pilothouse's field manager. With `metadata.resourceVersion` set, the
 * apiserver answers 409 Conflict when it is stale (optimistic concurrency).
 *
 * @throws KubeApiError (404, 409, 403, ...) naming the object.
 * @see https://kubernetes.io/docs/tasks/manage-kubernetes-objects/update-api-object-kubectl-patch/
 */
export async function mergePatchMetadata(
  objects: KubernetesObjectApi,
  type: { apiVersion: string; kind: string },
  metadata: { namespace: string; name: string } & Record<string, unknown>,
): Promise<void> {
  const patch = { ...type, metadata } as KubernetesObject;
  try {
    await objects.patch(
      patch,
      undefined,
      undefined,
      FIELD_MANAGER,
      undefined,
      PatchStrategy.MergePatch,
    );
  } catch (error) {
    throw toKubeApiError(error, {
      kind: type.kind,
      namespace: metadata.namespace,
      name: metadata.name,
    });
  }
}

/**
 * Server-side apply of `object` as Pilothouse's field manager, taking over conflicting fields
 * (`force`).
 *
 * @returns the object as the apiserver stored it.
 * @throws KubeApiError naming the object (`kindless` where it has no kind).
 * @see https://kubernetes.io/docs/reference/using-api/server-side-apply/
 */
export async function serverSideApply<T extends KubernetesObject>(
  objects: KubernetesObjectApi,
  object: T,
  kindless: string,
): Promise<T> {
  try {
    return await objects.patch(
      object,
      undefined,
      undefined,
      FIELD_MANAGER,
      true,
      PatchStrategy.ServerSideApply,
    );
  } catch (error) {
    const { name, namespace } = object.metadata ?? {};
    throw toKubeApiError(error, { kind: object.kind ?? kindless, namespace, name });
  }
}

/** The object an Event is about (its `involvedObject`). */
export interface EventTarget {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
}

/** One Event's type, reason (UpperCamelCase) and message (cut to 1024 characters). */
export interface ObjectEvent {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
}

/**
 * Creates a core/v1 Event about `target`, reported by Pilothouse's field manager from
 * `instance` (this operator process), timed `now` to the second. The Event goes to the target's
 * namespace, `default` when it has none.
 *
 * @throws whatever client-node throws (callers log it: Events inform, never decide).
 * @see https://kubernetes.io/docs/reference/kubernetes-api/cluster-resources/event-v1/
 */
export async function createObjectEvent(
  core: CoreV1Api,
  target: EventTarget,
  event: ObjectEvent,
  options: { instance: string; now: Date },
): Promise<void> {
  const time = new Date(kubeTime(options.now));
  await core.createNamespacedEvent({
    namespace: target.namespace ?? "default",
    body: {
      metadata: { generateName: `${target.name}.`, namespace: target.namespace },
      involvedObject: { ...target },
      type: event.type,
      reason: event.reason,
      message: event.message.slice(0, 1024),
      source: { component: FIELD_MANAGER },
      reportingComponent: FIELD_MANAGER,
      reportingInstance: options.instance,
      firstTimestamp: time,
      lastTimestamp: time,
      count: 1,
    },
  });
}
