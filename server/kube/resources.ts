import "server-only";
import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { z } from "zod";
import type { KindInfo } from "@/lib/api/kinds";
import { moduleLogger } from "../log";
import type { UserKubeClients } from "./client";
import { KubeApiError, toKubeError } from "./errors";

/**
 * Generic CRUD over Pilothouse's custom resources through the custom objects API, as the user of
 * `kube` (RBAC decides). Objects from the apiserver are parsed with the kind's zod schema (a trust
 * boundary); in lists, one that does not parse is logged and left out rather than handed to the
 * UI half-typed.
 */

const log = moduleLogger("kube/resources");
const FIELD_MANAGER = "pilothouse-dashboard";
const mergePatch = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);

/** A Kubernetes object as the apiserver returns it (before parsing with the kind's schema). */
export type RawObject = Record<string, unknown> & {
  metadata?: Record<string, unknown> & { name?: string; resourceVersion?: string };
};

const RawListSchema = z.object({
  metadata: z.object({ resourceVersion: z.string().optional() }).optional(),
  items: z.array(z.record(z.string(), z.unknown())),
});
const RawObjectSchema = z.record(z.string(), z.unknown());

const resourceOf = (kind: KindInfo) => ({
  group: kind.group,
  version: kind.version,
  plural: kind.plural,
});

/** `dryRun: "All"`: the apiserver validates and admits, but stores nothing. */
export interface WriteOptions {
  dryRun?: "All";
}

/**
 * Parses one object with the kind's schema.
 *
 * @returns the parsed object, or `null` (logged) when it does not match.
 */
export function parseResource(kind: KindInfo, object: unknown): Record<string, unknown> | null {
  const result = kind.schema.safeParse(object);
  if (result.success) return result.data as Record<string, unknown>;
  log.warn(
    { kind: kind.kind, issues: result.error.issues.slice(0, 5) },
    "object does not match its schema",
  );
  return null;
}

function parseOrThrow(kind: KindInfo, raw: unknown, namespace: string, name: string) {
  const parsed = parseResource(kind, raw);
  if (parsed) return parsed;
  throw new KubeApiError({
    status: 500,
    reason: "InternalError",
    message: `${kind.kind} ${namespace}/${name} does not match the Pilothouse schema`,
    namespace,
    name,
  });
}

/**
 * Runs one apiserver call.
 *
 * @throws KubeApiError or KubeConnectionError (from `toKubeError`) naming `at` when it fails.
 */
async function callApiserver<T>(
  at: { namespace?: string; name?: string },
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toKubeError(err, at);
  }
}

/**
 * Runs one write on the object `namespace/name` and parses the apiserver's answer with the
 * kind's schema.
 *
 * @throws KubeApiError (the apiserver's, or 500 when the answer does not match the schema) or
 *   KubeConnectionError.
 */
async function writeResource(
  kind: KindInfo,
  namespace: string,
  name: string,
  call: () => Promise<unknown>,
): Promise<Record<string, unknown>> {
  const raw = await callApiserver({ namespace, name }, call);
  return parseOrThrow(kind, raw, namespace, name);
}

/** The query of a create or replace: field manager, dry run, strict field validation. */
const strictWrite = (options: WriteOptions) => ({
  dryRun: options.dryRun,
  fieldManager: FIELD_MANAGER,
  fieldValidation: "Strict" as const,
});

/**
 * Lists objects of a kind in one namespace, or across all namespaces when none is given (which
 * needs a ClusterRoleBinding: users bound by RoleBindings pass their namespace).
 *
 * @returns the parsed items and the list's resourceVersion (opaque, to watch from).
 * @throws KubeApiError (403 when the user may not list) or KubeConnectionError.
 */
export async function listResources(
  kube: UserKubeClients,
  kind: KindInfo,
  query: { namespace?: string; labelSelector?: string },
): Promise<{ items: Record<string, unknown>[]; resourceVersion: string }> {
  const { labelSelector } = query;
  const raw: unknown = await callApiserver({ namespace: query.namespace }, () =>
    query.namespace
      ? kube.customObjects.listNamespacedCustomObject({
          ...resourceOf(kind),
          namespace: query.namespace,
          labelSelector,
        })
      : kube.customObjects.listClusterCustomObject({ ...resourceOf(kind), labelSelector }),
  );
  const list = RawListSchema.parse(raw);
  const items = list.items
    .map((item) => parseResource(kind, item))
    .filter((item): item is Record<string, unknown> => item !== null);
  return { items, resourceVersion: list.metadata?.resourceVersion ?? "" };
}

/**
 * Reads one object as the apiserver returns it (every metadata field kept, for a replace).
 *
 * @throws KubeApiError (404 NotFound, 403 Forbidden) or KubeConnectionError.
 */
export async function getRawResource(
  kube: UserKubeClients,
  kind: KindInfo,
  namespace: string,
  name: string,
): Promise<RawObject> {
  return callApiserver({ namespace, name }, async () => {
    const raw: unknown = await kube.customObjects.getNamespacedCustomObject({
      ...resourceOf(kind),
      namespace,
      name,
    });
    return RawObjectSchema.parse(raw);
  });
}

/**
 * Reads one object, parsed with the kind's schema.
 *
 * @throws KubeApiError (404, 403, 500 when it does not match the schema) or KubeConnectionError.
 */
export async function getResource(
  kube: UserKubeClients,
  kind: KindInfo,
  namespace: string,
  name: string,
): Promise<Record<string, unknown>> {
  return parseOrThrow(kind, await getRawResource(kube, kind, namespace, name), namespace, name);
}

/**
 * Creates an object (`body` carries apiVersion, kind, metadata and spec). The apiserver validates
 * it against the CRD's schema with `fieldValidation=Strict`.
 *
 * @throws KubeApiError (403, 409 AlreadyExists, 422 Invalid with field causes) or
 *   KubeConnectionError.
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#dry-run
 */
export async function createResource(
  kube: UserKubeClients,
  kind: KindInfo,
  namespace: string,
  body: RawObject,
  options: WriteOptions = {},
): Promise<Record<string, unknown>> {
  const name = body.metadata?.name ?? "";
  return writeResource(kind, namespace, name, () =>
    kube.customObjects.createNamespacedCustomObject({
      ...resourceOf(kind),
      namespace,
      body,
      ...strictWrite(options),
    }),
  );
}

/**
 * Replaces an object. With `metadata.resourceVersion` set, the apiserver refuses a stale one with
 * 409 Conflict (optimistic concurrency).
 *
 * @throws KubeApiError (403, 404, 409 Conflict, 422 Invalid) or KubeConnectionError.
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions
 */
export async function replaceResource(
  kube: UserKubeClients,
  kind: KindInfo,
  namespace: string,
  name: string,
  body: RawObject,
  options: WriteOptions = {},
): Promise<Record<string, unknown>> {
  return writeResource(kind, namespace, name, () =>
    kube.customObjects.replaceNamespacedCustomObject({
      ...resourceOf(kind),
      namespace,
      name,
      body,
      ...strictWrite(options),
    }),
  );
}

/**
 * Applies a JSON merge patch (RFC 7386; `null` removes a key) to an object; with
 * `options.dryRun` the apiserver answers the patched object without storing it.
 *
 * @throws KubeApiError (403, 404, 409, 422) or KubeConnectionError.
 * @see https://kubernetes.io/docs/tasks/manage-kubernetes-objects/update-api-object-kubectl-patch/
 */
export async function mergePatchResource(
  kube: UserKubeClients,
  kind: KindInfo,
  namespace: string,
  name: string,
  patch: Record<string, unknown>,
  options: WriteOptions = {},
): Promise<Record<string, unknown>> {
  return writeResource(kind, namespace, name, () =>
    kube.customObjects.patchNamespacedCustomObject(
      {
        ...resourceOf(kind),
        namespace,
        name,
        body: patch,
        fieldManager: FIELD_MANAGER,
        dryRun: options.dryRun,
      },
      mergePatch,
    ),
  );
}

/**
 * Deletes an object (background propagation: owned objects are collected afterwards).
 *
 * @returns whether the object still exists, marked for deletion, until its finalizers are done.
 * @throws KubeApiError (403, 404) or KubeConnectionError.
 */
export async function deleteResource(
  kube: UserKubeClients,
  kind: KindInfo,
  namespace: string,
  name: string,
): Promise<{ finalizing: boolean }> {
  const raw: unknown = await callApiserver({ namespace, name }, () =>
    kube.customObjects.deleteNamespacedCustomObject({
      ...resourceOf(kind),
      namespace,
      name,
      propagationPolicy: "Background",
    }),
  );
  // The apiserver answers with the object while finalizers hold it, with a Status once gone.
  const answer = RawObjectSchema.safeParse(raw);
  return { finalizing: answer.success && answer.data.kind === kind.kind };
}
