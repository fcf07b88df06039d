import {
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from "@kubernetes/client-node";

/**
 * Test fixtures written with the platform's admin kubeconfig (KUBECONFIG): bulk objects for the
 * 5,000-object list, and status an operator would write, on objects labelled for an operator
 * shard that no operator runs (`pilothouse.dev/operator-shard`), so nothing else writes them.
 * Everything the tests check still goes through the dashboard in Chromium.
 */

/** A shard no operator serves: objects with it are left alone by the running operator. */
export const IDLE_SHARD = { "pilothouse.dev/operator-shard": "e2e-idle" };

export interface Ref {
  group: string;
  version: string;
  plural: string;
}

export const REFS = {
  mysqlclusters: { group: "mysql.pilothouse.dev", version: "v1alpha1", plural: "mysqlclusters" },
  mysqlbackups: { group: "mysql.pilothouse.dev", version: "v1alpha1", plural: "mysqlbackups" },
  mysqlrestores: { group: "mysql.pilothouse.dev", version: "v1alpha1", plural: "mysqlrestores" },
  kafkaclusters: { group: "kafka.pilothouse.dev", version: "v1alpha1", plural: "kafkaclusters" },
  kafkatopics: { group: "kafka.pilothouse.dev", version: "v1alpha1", plural: "kafkatopics" },
} satisfies Record<string, Ref>;

/**
 * The admin's custom objects API.
 *
 * @throws Error when KUBECONFIG is not set (source the platform's env file).
 */
export function adminObjects(): CustomObjectsApi {
  const path = process.env.KUBECONFIG;
  if (!path) throw new Error("KUBECONFIG is not set: source the platform's env file");
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc.makeApiClient(CustomObjectsApi);
}

/** Creates `objects` with at most `concurrency` requests at once. */
export async function createMany(
  ref: Ref,
  namespace: string,
  objects: readonly Record<string, unknown>[],
  concurrency = 16,
): Promise<void> {
  const api = adminObjects();
  let next = 0;
  const worker = async () => {
    while (next < objects.length) {
      const body = objects[next++];
      await api.createNamespacedCustomObject({ ...ref, namespace, body });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Creates one object. */
export async function createObject(
  ref: Ref,
  namespace: string,
  body: Record<string, unknown>,
): Promise<void> {
  await adminObjects().createNamespacedCustomObject({ ...ref, namespace, body });
}

/** Writes `status` (a JSON merge patch of the status subresource), as an operator would. */
export async function patchStatus(
  ref: Ref,
  namespace: string,
  name: string,
  status: Record<string, unknown>,
): Promise<void> {
  await adminObjects().patchNamespacedCustomObjectStatus(
    { ...ref, namespace, name, body: { status } },
    setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
  );
}

/** Deletes every object of `ref` in `namespace` that matches `labelSelector` (cleanup). */
export async function deleteAllLabelled(
  ref: Ref,
  namespace: string,
  labelSelector: string,
): Promise<void> {
  await adminObjects()
    .deleteCollectionNamespacedCustomObject({ ...ref, namespace, labelSelector })
    .catch(() => undefined);
}

/** Deletes one object (cleanup); a missing one is fine. */
export async function deleteObject(ref: Ref, namespace: string, name: string): Promise<void> {
  await adminObjects()
    .deleteNamespacedCustomObject({ ...ref, namespace, name })
    .catch(() => undefined);
}

/** A condition as an operator writes it. */
export function condition(
  type: string,
  status: "True" | "False" | "Unknown",
  reason: string,
  message = "",
) {
  return {
    type,
    status,
    reason,
    message,
    lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
  };
}
