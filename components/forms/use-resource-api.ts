"use client";

import { useQuery } from "@tanstack/react-query";
import { z } from "zod";
import type { KindInfo } from "@/lib/api/kinds";
import type { Verb } from "@/lib/api/permissions";
import { fetchJson, postJson } from "../api/fetch-json";
import { decisionFor } from "../resources/permissions";
import { useNamespacePermissions } from "../resources/use-resources";
import { isJsonObject, type JsonObject } from "./object-path";
import { kindLabel, type FormMode } from "./resource-document";

const enc = encodeURIComponent;

/** What the API answers to a create or update: the object, of which the form reads the name. */
const SavedObjectSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string(), namespace: z.string().optional() }),
});
export type SavedObject = z.infer<typeof SavedObjectSchema>;

/**
 * Sends the document: `POST /api/v1/namespaces/{ns}/{plural}` to create, `PUT .../{name}` to
 * update (the body carries `metadata.resourceVersion`, so a concurrent change answers 409).
 * With `dryRun`, `?dryRun=All`: the apiserver runs admission and validation (CEL rules included)
 * and stores nothing.
 *
 * @throws ApiRequestError with the API's field causes when refused.
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#dry-run
 */
export async function sendResource(
  kind: Pick<KindInfo, "plural">,
  mode: FormMode,
  document: JsonObject,
  dryRun: boolean,
): Promise<SavedObject> {
  const metadata = isJsonObject(document.metadata) ? document.metadata : {};
  const text = (value: unknown) => (typeof value === "string" ? value : "");
  const base = `/api/v1/namespaces/${enc(text(metadata.namespace))}/${enc(kind.plural)}`;
  const url = mode === "create" ? base : `${base}/${enc(text(metadata.name))}`;
  const init = postJson(document);
  return fetchJson(`${url}${dryRun ? "?dryRun=All" : ""}`, SavedObjectSchema, {
    ...init,
    method: mode === "create" ? "POST" : "PUT",
  });
}

/** `GET /api/v1/namespaces/{ns}/{plural}/{name}`, parsed with the kind's schema. */
export function useResourceObject(kind: KindInfo, namespace: string, name: string) {
  return useQuery({
    queryKey: [kind.plural, namespace, name, { form: true }],
    queryFn: (): Promise<unknown> =>
      fetchJson(
        `/api/v1/namespaces/${enc(namespace)}/${enc(kind.plural)}/${enc(name)}`,
        kind.schema,
      ),
    // An edit form starts from one version; it must not change under the user's hands.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
}

/**
 * Whether the user may `verb` objects of `kind` in `namespace`: the namespace's one batched
 * permissions review, shared (same query) with the lists and the create buttons. An empty
 * namespace (being typed) is still being checked.
 */
export function useKindPermission(kind: KindInfo, namespace: string, verb: Verb) {
  const permissions = useNamespacePermissions(namespace);
  if (namespace === "" || permissions.isPending) {
    return { allowed: false, pending: true, reason: "Checking your permissions…" };
  }
  if (permissions.isError) {
    return {
      allowed: false,
      pending: false,
      reason: `Your permissions could not be checked: ${permissions.error.message}`,
    };
  }
  const decision = decisionFor(permissions.data, kind.plural, verb, kindLabel(kind) + "s");
  return { ...decision, pending: false };
}
