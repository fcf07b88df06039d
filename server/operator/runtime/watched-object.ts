import "server-only";
import { z } from "zod";

/**
 * What an informer keeps of each object: metadata only. Reconciles read the objects they act on
 * fresh from the apiserver; the caches exist to map events to keys and to list keys for resync,
 * so they need no more (and hold no Secret data).
 */
export const WatchedObjectSchema = z.object({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: z.object({
    name: z.string(),
    namespace: z.string().optional(),
    uid: z.string().optional(),
    resourceVersion: z.string().optional(),
    generation: z.int().optional(),
    deletionTimestamp: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
    ownerReferences: z
      .array(
        z.object({
          apiVersion: z.string(),
          kind: z.string(),
          name: z.string(),
          uid: z.string(),
          controller: z.boolean().optional(),
        }),
      )
      .optional(),
  }),
});
export type WatchedObject = z.infer<typeof WatchedObjectSchema>;

/** The work-queue key of an object: `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(object: { metadata: { name: string; namespace?: string } }): string {
  const { name, namespace } = object.metadata;
  return namespace ? `${namespace}/${name}` : name;
}

/** Splits a key made by {@link objectKey}. */
export function parseObjectKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf("/");
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/**
 * The key of the object's controlling owner of `kind` in `apiVersion`'s group (the owner
 * reference with `controller: true`), or undefined when it has none. Owners live in the same
 * namespace as what they own.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/owners-dependents/
 */
export function controllerOwnerKey(
  object: WatchedObject,
  owner: { apiVersion: string; kind: string },
): string | undefined {
  const group = (apiVersion: string) => apiVersion.split("/").slice(0, -1).join("/");
  const reference = object.metadata.ownerReferences?.find(
    (ref) =>
      ref.controller === true &&
      ref.kind === owner.kind &&
      group(ref.apiVersion) === group(owner.apiVersion),
  );
  if (!reference) return undefined;
  return objectKey({ metadata: { name: reference.name, namespace: object.metadata.namespace } });
}
