/**
 * The JSON Schema of a kind's spec as the form renderer reads it: the same schema the CRD is
 * generated from (`z.toJSONSchema` of the zod spec schema, OpenAPI 3.0 flavour, input side, so
 * `default`s are there), classified into the field kinds a form can show.
 *
 * @see https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#specifying-a-structural-schema
 */
import { z } from "zod";
import { isJsonObject, type FieldPath, type JsonObject } from "./object-path";

/** One schema node (`JSONSchemaProps` of a CRD, plus `anyOf`, which zod unions emit). */
export interface SchemaNode {
  type?: "string" | "integer" | "number" | "boolean" | "object" | "array";
  description?: string;
  title?: string;
  default?: unknown;
  enum?: unknown[];
  nullable?: boolean;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  minimum?: number;
  maximum?: number;
  pattern?: string;
  format?: string;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-validations"?: { rule: string; message?: string }[];
}

/** What a form shows for one schema node. */
export type FieldKind =
  | "string"
  | "integer"
  | "number"
  | "boolean"
  | "enum"
  | "int-or-string"
  | "any-of"
  | "object"
  | "map"
  | "array"
  | "free-form";

/**
 * The spec's schema as the form reads it.
 *
 * @param specSchema - a kind's `KindInfo.specSchema`.
 */
export function specJsonSchema(specSchema: z.ZodType): SchemaNode {
  const emitted = z.toJSONSchema(specSchema, {
    target: "openapi-3.0",
    io: "input",
    unrepresentable: "any",
  });
  return JSON.parse(JSON.stringify(emitted)) as SchemaNode;
}

/** The alternatives of an `anyOf`/`oneOf` node, with `null` alternatives dropped. */
export function alternativesOf(node: SchemaNode): SchemaNode[] {
  const list = node.anyOf ?? node.oneOf ?? [];
  return list.filter((alternative) => !(alternative.type === undefined && alternative.nullable));
}

/** Which field shows `node`. */
export function fieldKindOf(node: SchemaNode): FieldKind {
  if (node["x-kubernetes-int-or-string"]) return "int-or-string";
  const alternatives = alternativesOf(node);
  if (alternatives.length === 1) return fieldKindOf({ ...node, ...alternatives[0], anyOf: [] });
  if (alternatives.length > 1) {
    const types = new Set(alternatives.map((a) => a.type));
    if (types.size === 2 && types.has("integer") && types.has("string")) return "int-or-string";
    return "any-of";
  }
  if (Array.isArray(node.enum) && node.enum.length > 0) return "enum";
  switch (node.type) {
    case "string":
    case "integer":
    case "number":
    case "boolean":
      return node.type;
    case "array":
      return node.items ? "array" : "free-form";
    case "object":
      if (node.properties) return "object";
      if (isJsonObject(node.additionalProperties)) return "map";
      return "free-form";
    default:
      return "free-form";
  }
}

/** Which alternative of an `anyOf` node `value` is (the first whose type it has), or 0. */
export function alternativeIndexFor(node: SchemaNode, value: unknown): number {
  const index = alternativesOf(node).findIndex((alternative) => valueFits(alternative, value));
  return index >= 0 ? index : 0;
}

function valueFits(node: SchemaNode, value: unknown): boolean {
  if (value === undefined) return false;
  if (Array.isArray(node.enum)) return node.enum.includes(value);
  switch (node.type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "number":
      return typeof value === "number";
    case "boolean":
      return typeof value === "boolean";
    case "array":
      return Array.isArray(value);
    case "object":
      return isJsonObject(value);
    default:
      return true;
  }
}

/**
 * The value a new object of `node` starts with: its `default`, else for an object the defaults
 * of its properties plus the required objects below it (so required sections are there to fill),
 * else `undefined`. Optional sections without a default stay absent, as the CRD would leave them.
 *
 * @param options.blankRequiredStrings - also start each required string without a default as
 *   `""` (e.g. a KafkaUser's `spec.clusterName`), so a new object's YAML shows every field the
 *   user must fill; the form's required text fields hold `""` when empty too.
 */
export function initialValueOf(
  node: SchemaNode,
  options: { blankRequiredStrings?: boolean } = {},
): unknown {
  const isObject = fieldKindOf(node) === "object" && node.properties !== undefined;
  // An object defaulted to `{}` (zod's `prefault`) gets its properties' defaults from the
  // apiserver too: show them, so the form tells what the created object will hold.
  if (node.default !== undefined && !(isObject && isJsonObject(node.default))) {
    return structuredClone(node.default);
  }
  if (!isObject || !node.properties) return undefined;
  const required = new Set(node.required ?? []);
  const value: JsonObject = isJsonObject(node.default) ? structuredClone(node.default) : {};
  for (const [name, child] of Object.entries(node.properties)) {
    const kind = fieldKindOf(child);
    if (
      options.blankRequiredStrings &&
      kind === "string" &&
      required.has(name) &&
      child.default === undefined &&
      value[name] === undefined
    ) {
      value[name] = "";
      continue;
    }
    if (child.default === undefined && !(kind === "object" && required.has(name))) continue;
    const initial = initialValueOf(child, options);
    if (initial !== undefined && value[name] === undefined) value[name] = initial;
  }
  return value;
}

/** The node under `node` at `path` (through properties, map values and array items). */
export function nodeAt(node: SchemaNode, path: FieldPath): SchemaNode | undefined {
  let current: SchemaNode | undefined = node;
  for (const segment of path) {
    if (!current) return undefined;
    if (typeof segment === "number") current = current.items;
    else if (current.properties) current = current.properties[segment];
    else if (isJsonObject(current.additionalProperties)) current = current.additionalProperties;
    else return undefined;
  }
  return current;
}

/** A CEL rule that makes a field immutable once the object exists. */
const IMMUTABLE_RULE = /^\s*self\s*==\s*oldSelf\s*$/;

/**
 * Why a field cannot change once the object exists, or `undefined` when it can: the message of
 * its CRD transition rule `self == oldSelf` (`x-kubernetes-validations`), else its description
 * when that says "Cannot change" (a rule written on the parent object).
 *
 * @see https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#transition-rules
 */
export function immutableReason(node: SchemaNode | undefined): string | undefined {
  if (!node) return undefined;
  const rule = (node["x-kubernetes-validations"] ?? []).find((v) => IMMUTABLE_RULE.test(v.rule));
  if (rule) return rule.message ?? "cannot change once the object exists";
  if (node.description && /cannot change/i.test(node.description)) {
    return "cannot change once the object exists";
  }
  return undefined;
}

/** Whether `path` names a property its parent object requires. */
export function isRequiredAt(node: SchemaNode, path: FieldPath): boolean {
  if (path.length === 0) return true;
  const last = path[path.length - 1];
  const parent = nodeAt(node, path.slice(0, -1));
  return typeof last === "string" && (parent?.required ?? []).includes(last);
}

/** Words that keep their capitals. */
const ACRONYMS: Record<string, string> = {
  s3: "S3",
  ca: "CA",
  cpu: "CPU",
  tls: "TLS",
  sasl: "SASL",
  scram: "SCRAM",
  acls: "ACLs",
  acl: "ACL",
  id: "ID",
  url: "URL",
  uri: "URI",
  mycnf: "my.cnf",
  kraft: "KRaft",
  mysql: "MySQL",
};

/** A label from a property name: `storageClassName` → "Storage class name". */
export function humanize(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[\s_-]+/)
    .filter(Boolean);
  return words
    .map((word, index) => {
      const known = ACRONYMS[word.toLowerCase()];
      if (known) return known;
      const lower = word.toLowerCase();
      return index === 0 ? lower.charAt(0).toUpperCase() + lower.slice(1) : lower;
    })
    .join(" ");
}

/**
 * A value of `node`'s type to start a new row or alternative with: its initial value, else `""`,
 * `0`, `false`, `{}` or `[]`, so that the chosen type shows even before it is filled in.
 */
export function blankValueOf(node: SchemaNode): unknown {
  const initial = initialValueOf(node);
  if (initial !== undefined) return initial;
  if (Array.isArray(node.enum) && node.enum.length > 0) return node.enum[0];
  switch (node.type) {
    case "string":
      return "";
    case "integer":
    case "number":
      return 0;
    case "boolean":
      return false;
    case "array":
      return [];
    default:
      return {};
  }
}
