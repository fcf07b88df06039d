import "server-only";
import { z } from "zod";
import {
  DryRunQuerySchema,
  ListQuerySchema,
  OBJECT_NAME_SCHEMAS,
  REQUEST_SCHEMAS,
  type DeleteResponse,
  type ResourceList,
} from "@/lib/api/requests";
import type { KindInfo } from "@/lib/api/kinds";
import { Dns1123LabelSchema } from "@/lib/crds/common";
import {
  createResource,
  deleteResource,
  getRawResource,
  getResource,
  listResources,
  replaceResource,
  type RawObject,
} from "../kube/resources";
import { KubeApiError } from "../kube/errors";
import { backupSpecProblem } from "./backup-storage";
import { kafkaSpecProblem } from "./kafka-references";
import { restoreSpecProblem } from "./restore-references";
import { apiError, errorResponse, toApiError } from "./errors";
import { visibleNamespaces } from "./permissions";
import { queryOf, readJsonBody, validate } from "./request";
import {
  kindOrNotFound,
  NO_STORE,
  refuse,
  refuseCaught,
  succeed,
  uidOf,
  type Caller,
} from "./resource-context";

/**
 * Handlers of the generic resource routes (URL scheme in `lib/api/kinds.ts`). Each validates its
 * input with the zod schemas of `lib/api/requests.ts` (the ones the OpenAPI document shows) and
 * calls Kubernetes as the caller: RBAC decides, and its refusals come back as they are. Mutating
 * handlers are audited whatever their outcome (`audit.ts`).
 */

export const NamespaceSchema = Dns1123LabelSchema;

/** The `{namespace}` of a URL, validated as an object so that a refusal names the field. */
const NamespacePathSchema = z.object({ namespace: NamespaceSchema });

/**
 * `GET /api/v1/{plural}[?namespace=ns]` → 200 {@link ResourceList}. Without a namespace: the
 * cluster-wide list when the user may list at the cluster scope; otherwise (a user bound only by
 * RoleBindings) the lists of every namespace the user may see (`visibleNamespaces`), merged, with
 * an empty resourceVersion (watch such a view per namespace).
 */
export async function listHandler(
  caller: Caller,
  request: Request,
  params: { plural: string },
): Promise<Response> {
  const kind = kindOrNotFound(params.plural);
  if (!kind.ok) return kind.response;
  const query = validate(ListQuerySchema, queryOf(request), "Invalid query.");
  if (!query.ok) return errorResponse(query.error);
  try {
    const list = await listResources(caller.kube, kind.kind, query.value).catch((err: unknown) => {
      const clusterScopeRefused =
        err instanceof KubeApiError && err.status === 403 && !query.value.namespace;
      if (!clusterScopeRefused) throw err;
      return listVisibleNamespaces(caller, kind.kind);
    });
    return Response.json(list satisfies ResourceList, { headers: NO_STORE });
  } catch (err) {
    return errorResponse(toApiError(err));
  }
}

/** The objects of a kind in every namespace the caller may see, merged. */
async function listVisibleNamespaces(caller: Caller, kind: KindInfo): Promise<ResourceList> {
  const namespaces = await visibleNamespaces(caller.kube);
  const lists = await Promise.all(
    namespaces.items.map((namespace) =>
      listResources(caller.kube, kind, { namespace }).catch((err: unknown) => {
        // Visible through another kind but not this one: nothing of it to show.
        if (err instanceof KubeApiError && err.status === 403) return { items: [] };
        throw err;
      }),
    ),
  );
  return { items: lists.flatMap((list) => list.items), resourceVersion: "" };
}

/** Validates `{ namespace, name }` of an object's path for a kind. */
function objectPath(plural: keyof typeof OBJECT_NAME_SCHEMAS) {
  return z.object({ namespace: NamespaceSchema, name: OBJECT_NAME_SCHEMAS[plural] });
}

/** `GET /api/v1/namespaces/{namespace}/{plural}/{name}` → 200 the object. */
export async function getHandler(
  caller: Caller,
  _request: Request,
  params: { namespace: string; plural: string; name: string },
): Promise<Response> {
  const kind = kindOrNotFound(params.plural);
  if (!kind.ok) return kind.response;
  const path = validate(objectPath(kind.kind.plural), params, "Invalid path.");
  if (!path.ok) return errorResponse(path.error);
  try {
    const object = await getResource(caller.kube, kind.kind, path.value.namespace, path.value.name);
    return Response.json(object, { headers: NO_STORE });
  } catch (err) {
    return errorResponse(toApiError(err));
  }
}

/**
 * Opens a mutating request on one object: finds the kind of `params.plural` and validates the
 * path (`namespace` a DNS-1123 label, `name` as the kind allows).
 *
 * @returns the kind, the audit entry of `verb` and the validated path; or the response to
 *   answer (a JSON 404 for an unknown plural; a 422 with field causes for an invalid path,
 *   audited).
 */
async function objectRequest(
  caller: Caller,
  verb: "update" | "delete",
  params: { namespace: string; plural: string; name: string },
) {
  const kind = kindOrNotFound(params.plural);
  if (!kind.ok) return kind;
  const info = kind.kind;
  const entry = { verb, kind: info, ...params };
  const path = validate(objectPath(info.plural), params, "Invalid path.");
  if (!path.ok) return { ok: false as const, response: await refuse(caller, entry, path.error) };
  return { ok: true as const, info, entry, ...path.value };
}

const mismatch = (kindName: string, field: string, expected: string) =>
  apiError(422, "Invalid", `Invalid ${kindName}.`, [
    { field, message: `must be ${expected}, as in the URL` },
  ]);

/**
 * `POST /api/v1/namespaces/{namespace}/{plural}[?dryRun=All]` with a create body →
 * 201 the object (with `Location`); 422 with field causes from zod or Kubernetes; 403 and
 * 409 AlreadyExists from Kubernetes as they are.
 */
export async function createHandler(
  caller: Caller,
  request: Request,
  params: { namespace: string; plural: string },
): Promise<Response> {
  const kind = kindOrNotFound(params.plural);
  if (!kind.ok) return kind.response;
  const info = kind.kind;
  const entry = { verb: "create" as const, kind: info, namespace: params.namespace };
  const path = validate(NamespacePathSchema, params, "Invalid path.");
  if (!path.ok) return refuse(caller, entry, path.error);
  const namespace = { value: path.value.namespace };
  const query = validate(DryRunQuerySchema, queryOf(request), "Invalid query.");
  if (!query.ok) return refuse(caller, entry, query.error);
  const dryRun = query.value.dryRun;
  const json = await readJsonBody(request);
  if (!json.ok) return refuse(caller, { ...entry, dryRun: !!dryRun }, json.error);
  const message = `Invalid ${info.kind}.`;
  const body = validate(REQUEST_SCHEMAS[info.plural].create, json.value, message);
  if (!body.ok) return refuse(caller, { ...entry, dryRun: !!dryRun }, body.error);
  const { metadata, spec } = body.value;
  const named = { ...entry, name: metadata.name, dryRun: !!dryRun };
  if (metadata.namespace !== undefined && metadata.namespace !== namespace.value) {
    return refuse(caller, named, mismatch(info.kind, "metadata.namespace", namespace.value));
  }
  const object: RawObject = {
    apiVersion: info.apiVersion,
    kind: info.kind,
    metadata: { ...metadata, namespace: namespace.value },
    spec,
  };
  try {
    // A backup to a storage its cluster lacks, a restore of a backup that does not exist, a topic
    // or user of a missing cluster, a replication factor above the brokers: each would only
    // fail in the operator. Refused
    // here, after what the apiserver says of the create itself (a dry run: 403, its field errors).
    const problem =
      info.plural === "mysqlbackups"
        ? await backupSpecProblem(caller.kube, namespace.value, spec)
        : info.plural === "mysqlrestores"
          ? await restoreSpecProblem(caller.kube, namespace.value, spec)
          : await kafkaSpecProblem(caller.kube, namespace.value, info.plural, spec);
    if (problem) {
      await createResource(caller.kube, info, namespace.value, object, { dryRun: "All" });
      return await refuse(caller, named, problem);
    }
    const created = await createResource(caller.kube, info, namespace.value, object, { dryRun });
    const location = `/api/v1/namespaces/${namespace.value}/${info.plural}/${metadata.name}`;
    return succeed(caller, { ...named, uid: uidOf(created) }, created, 201, {
      Location: location,
    });
  } catch (err) {
    return refuseCaught(caller, named, err);
  }
}

/**
 * `PUT /api/v1/namespaces/{namespace}/{plural}/{name}[?dryRun=All]` with an update body →
 * 200 the object. Replaces the spec (and the labels and annotations when given; kept when
 * omitted). With `metadata.resourceVersion`, a stale version is refused with 409 Conflict; with
 * `metadata.uid`, an object deleted and created again since is too. The object as `GET` answered
 * it is accepted as a body: server-managed metadata and `status` are ignored.
 */
export async function updateHandler(
  caller: Caller,
  request: Request,
  params: { namespace: string; plural: string; name: string },
): Promise<Response> {
  const target = await objectRequest(caller, "update", params);
  if (!target.ok) return target.response;
  const { info, entry, namespace, name } = target;
  const query = validate(DryRunQuerySchema, queryOf(request), "Invalid query.");
  if (!query.ok) return refuse(caller, entry, query.error);
  const dryRun = query.value.dryRun;
  const json = await readJsonBody(request);
  const named = { ...entry, dryRun: !!dryRun };
  if (!json.ok) return refuse(caller, named, json.error);
  const body = validate(REQUEST_SCHEMAS[info.plural].update, json.value, `Invalid ${info.kind}.`);
  if (!body.ok) return refuse(caller, named, body.error);
  const { metadata, spec } = body.value;
  if (metadata.namespace !== undefined && metadata.namespace !== namespace) {
    return refuse(caller, named, mismatch(info.kind, "metadata.namespace", namespace));
  }
  if (metadata.name !== name)
    return refuse(caller, named, mismatch(info.kind, "metadata.name", name));
  let current: RawObject;
  try {
    current = await getRawResource(caller.kube, info, namespace, name);
  } catch (err) {
    return refuseCaught(caller, named, err);
  }
  const uid = uidOf(current);
  if (metadata.uid !== undefined && metadata.uid !== uid) {
    const message = `${info.kind} "${name}" was deleted and created again since it was read (metadata.uid differs); read it again.`;
    return refuse(caller, { ...named, uid }, apiError(409, "Conflict", message));
  }
  // Everything the apiserver keeps (uid, generation, timestamps, finalizers, ownerReferences)
  // goes back as it was, whatever the body said (a GET answer sent back carries them all);
  // managedFields are left out so that the apiserver keeps its own. `status` is never sent.
  const { managedFields: _managed, ...currentMeta } = current.metadata ?? {};
  void _managed;
  const replacement: RawObject = {
    apiVersion: info.apiVersion,
    kind: info.kind,
    metadata: {
      ...currentMeta,
      labels: metadata.labels ?? currentMeta.labels,
      annotations: metadata.annotations ?? currentMeta.annotations,
      resourceVersion: metadata.resourceVersion ?? currentMeta.resourceVersion,
    },
    spec,
  };
  try {
    const updated = await replaceResource(caller.kube, info, namespace, name, replacement, {
      dryRun,
    });
    return succeed(caller, { ...named, uid }, updated, 200);
  } catch (err) {
    return refuseCaught(caller, { ...named, uid }, err);
  }
}

/**
 * `DELETE /api/v1/namespaces/{namespace}/{plural}/{name}` → 200 {@link DeleteResponse}
 * (`finalizing` while finalizers still hold the object).
 */
export async function deleteHandler(
  caller: Caller,
  _request: Request,
  params: { namespace: string; plural: string; name: string },
): Promise<Response> {
  const target = await objectRequest(caller, "delete", params);
  if (!target.ok) return target.response;
  const { info, entry, namespace, name } = target;
  let uid: string | undefined;
  try {
    uid = uidOf(await getRawResource(caller.kube, info, namespace, name));
    const { finalizing } = await deleteResource(caller.kube, info, namespace, name);
    const answer: DeleteResponse = { kind: info.kind, namespace, name, finalizing };
    return succeed(caller, { ...entry, uid }, answer, 200);
  } catch (err) {
    return refuseCaught(caller, { ...entry, uid }, err);
  }
}
