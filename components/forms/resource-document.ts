/**
 * The document a create or edit form works on: the object the API receives (`apiVersion`,
 * `kind`, `metadata` the user may set, `spec`), the schema it is validated with in the browser
 * before anything is sent, and how validation issues and the API's causes land on its fields.
 */
import type { z } from "zod";
import { causesFromIssues, plainIssue } from "@/lib/api/errors";
import type { KindInfo, KindPlural } from "@/lib/api/kinds";
import { REQUEST_SCHEMAS } from "@/lib/api/requests";
import { ApiRequestError } from "../api/fetch-json";
import {
  dotted,
  isJsonObject,
  parseFieldPath,
  type FieldPath,
  type JsonObject,
} from "./object-path";
import { initialValueOf, specJsonSchema } from "./schema-node";

export type FormMode = "create" | "update";

/** Field errors by dotted path (`spec.replicas`); `""` holds errors of the whole document. */
export type FieldErrors = Record<string, string>;

/** A kind's name in words: `MySQLCluster` → "MySQL cluster". */
export function kindLabel(kind: Pick<KindInfo, "kind">): string {
  const [, service = "", rest = kind.kind] = /^(MySQL|Kafka)?(.*)$/.exec(kind.kind) ?? [];
  const words = rest.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return service ? `${service} ${words}` : words;
}

/**
 * Values a new object starts with beyond the CRD's defaults, where a field has no default but an
 * empty one would never be right (a storage size).
 */
const CREATE_PRESETS: Record<string, JsonObject> = {
  mysqlclusters: { storage: { size: "10Gi" } },
  kafkaclusters: { kraft: { combined: newKafkaPool() } },
};

/** A Kafka node pool to start from: three nodes of 10Gi (the pool schema has no defaults). */
function newKafkaPool(): JsonObject {
  return { replicas: 3, storage: { size: "10Gi" } };
}

/** The pools each KRaft mode needs (the CRD's rule on `spec.kraft`: exactly these, no other). */
const KRAFT_POOLS: Record<string, readonly string[]> = {
  combined: ["combined"],
  separate: ["controllers", "brokers"],
};

/**
 * The document after the user changed the field at `path`, with what that change implies: for a
 * KafkaCluster, choosing a KRaft mode adds the pools that mode needs (kept if already there,
 * else {@link newKafkaPool}) and removes the other mode's, so the CRD's rule "mode combined
 * needs exactly kraft.combined; mode separate needs kraft.controllers and kraft.brokers" holds
 * without the user editing three sections.
 *
 * @param plural - the kind's plural; other kinds are returned unchanged.
 */
export function followFieldChange(
  plural: string,
  document: JsonObject,
  path: FieldPath,
): JsonObject {
  if (plural !== "kafkaclusters" || dotted(path) !== "spec.kraft.mode") return document;
  const spec = isJsonObject(document.spec) ? document.spec : {};
  const kraft = isJsonObject(spec.kraft) ? spec.kraft : {};
  const needed = KRAFT_POOLS[String(kraft.mode)];
  if (!needed) return document;
  const next: JsonObject = { mode: kraft.mode };
  for (const [key, value] of Object.entries(kraft)) {
    if (key === "mode" || Object.values(KRAFT_POOLS).flat().includes(key)) continue;
    next[key] = value;
  }
  for (const pool of needed) next[pool] = isJsonObject(kraft[pool]) ? kraft[pool] : newKafkaPool();
  return { ...document, spec: { ...spec, kraft: next } };
}

/**
 * What the browser validates before it sends anything: the very schema the API's handler
 * validates the body with (`REQUEST_SCHEMAS` of `lib/api/requests.ts`: the CRD's spec made
 * strict, the kind's name rules, the metadata a client may set), so the form reports what the
 * API would, without a round trip. The CRD's CEL rules (e.g. on changes of an existing object)
 * are left to the server's dry run.
 */
export function requestSchemaFor(kind: KindInfo, mode: FormMode): z.ZodType {
  const schemas = REQUEST_SCHEMAS[kind.plural as KindPlural];
  return mode === "create" ? schemas.create : schemas.update;
}

/**
 * A new object of `kind` in `namespace`: the CRD's defaults, `""` for each required string
 * without one (so the YAML view names every field to fill, e.g. `spec.clusterName`), and the
 * kind's presets.
 */
export function newDocument(kind: KindInfo, namespace: string): JsonObject {
  const defaults = initialValueOf(specJsonSchema(kind.specSchema), { blankRequiredStrings: true });
  const preset = CREATE_PRESETS[kind.plural] ?? {};
  return {
    apiVersion: kind.apiVersion,
    kind: kind.kind,
    metadata: { name: "", namespace },
    spec: mergeObjects(isJsonObject(defaults) ? defaults : {}, preset),
  };
}

function mergeObjects(base: JsonObject, over: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isJsonObject(current) && isJsonObject(value) ? mergeObjects(current, value) : value;
  }
  return out;
}

/**
 * The part of an existing object an edit form works on: its spec and the metadata a user may
 * change, with `resourceVersion` kept for the update. Status and server-managed metadata (uid,
 * generation, timestamps, finalizers) are left out: the API would refuse or ignore them.
 */
export function editableDocument(object: unknown): JsonObject {
  const source = isJsonObject(object) ? object : {};
  const meta = isJsonObject(source.metadata) ? source.metadata : {};
  const metadata: JsonObject = { name: meta.name, namespace: meta.namespace };
  if (isJsonObject(meta.labels)) metadata.labels = meta.labels;
  if (isJsonObject(meta.annotations)) metadata.annotations = meta.annotations;
  metadata.resourceVersion = meta.resourceVersion;
  return {
    apiVersion: source.apiVersion,
    kind: source.kind,
    metadata,
    spec: isJsonObject(source.spec) ? source.spec : {},
  };
}

/** The document's problems by field, as the API would report them; empty when it is valid. */
export function validateDocument(schema: z.ZodType, document: JsonObject): FieldErrors {
  const result = schema.safeParse(document);
  if (result.success) return {};
  const errors: FieldErrors = {};
  for (const cause of causesFromIssues(result.error.issues.map(plainIssue))) {
    errors[cause.field ?? ""] = cause.message;
  }
  return errors;
}

/**
 * A refused create or update as field errors: each API cause on its (normalised) field path,
 * `AlreadyExists` on the name, and the message under `""`.
 *
 * @param label - the kind in words, for the name-taken message.
 */
export function serverFieldErrors(err: unknown, label: string): FieldErrors {
  const error = err instanceof ApiRequestError ? err : undefined;
  const errors: FieldErrors = { "": error?.message ?? String(err) };
  for (const cause of error?.causes ?? []) {
    const field = cause.field ? dotted(parseFieldPath(cause.field)) : "";
    if (field === "") errors[""] = `${errors[""]} — ${cause.message}`;
    else errors[field] = errors[field] ? `${errors[field]}; ${cause.message}` : cause.message;
  }
  if (error?.code === "AlreadyExists") {
    errors["metadata.name"] = `a ${label} with this name exists`;
  }
  if (error?.code === "Conflict") {
    errors[""] =
      `${errors[""]} — someone changed this ${label} since you opened it: reload to edit the latest version.`;
  }
  return errors;
}
