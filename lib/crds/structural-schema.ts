/**
 * Turns the JSON Schema that `z.toJSONSchema(..., { target: "openapi-3.0" })` emits into a
 * Kubernetes *structural* schema, and checks that a schema is structural. Pure: no I/O.
 *
 * @see https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#specifying-a-structural-schema
 */

/** A node of an OpenAPI v3 schema as it appears in a CRD (`JSONSchemaProps`). */
export type JsonSchema = { [key: string]: JsonValue };
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Keys a CRD schema node may carry besides `x-kubernetes-*` extensions. */
const ALLOWED_KEYS = new Set([
  "type",
  "format",
  "description",
  "title",
  "properties",
  "required",
  "items",
  "additionalProperties",
  "enum",
  "default",
  "nullable",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minLength",
  "maxLength",
  "pattern",
  "minItems",
  "maxItems",
  "uniqueItems",
  "minProperties",
  "maxProperties",
  "example",
]);

/** zod's bounds for `z.int()`: they say "a JavaScript-safe integer", not a domain rule. */
const SAFE_INTEGER_BOUNDS = new Set([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]);

function isSchema(value: JsonValue | undefined): value is JsonSchema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True when `rules` holds a CEL rule `self.matches(r'<pattern>')` for exactly this pattern. */
function hasMatchesRule(rules: JsonValue | undefined, pattern: string): boolean {
  if (!Array.isArray(rules)) return false;
  return rules.some((rule) => isSchema(rule) && rule.rule === `self.matches(r'${pattern}')`);
}

/**
 * Rewrites one zod-emitted schema node (recursively) into structural form:
 * - drops `$schema`, `additionalProperties: false` and zod's safe-integer bounds;
 * - drops `pattern` where `format: date-time` already says it, and where a CEL rule checks the
 *   same pattern with a clearer message (see `patternString` in `./common`);
 * - turns "anything" (`{}` or `additionalProperties: true`) into `x-kubernetes-preserve-unknown-fields`.
 *
 * @returns a new schema; the input is not modified. Run {@link structuralSchemaErrors} on it.
 */
export function toStructural(node: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "$schema") continue;
    if (key === "additionalProperties" && value === false) continue;
    if ((key === "minimum" || key === "maximum") && SAFE_INTEGER_BOUNDS.has(value as number)) {
      continue;
    }
    if (key === "pattern" && typeof value === "string") {
      if (node.format === "date-time" || hasMatchesRule(node["x-kubernetes-validations"], value)) {
        continue;
      }
    }
    if (key === "properties" && isSchema(value)) {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, child]) => [
          name,
          isSchema(child) ? toStructural(child) : child,
        ]),
      );
      continue;
    }
    if ((key === "items" || key === "additionalProperties") && isSchema(value)) {
      out[key] = toStructural(value);
      continue;
    }
    if (key === "additionalProperties" && value === true) {
      out["x-kubernetes-preserve-unknown-fields"] = true;
      continue;
    }
    out[key] = value;
  }
  if (out.type === undefined && out["x-kubernetes-int-or-string"] !== true) {
    if (Object.keys(out).every((key) => key === "description")) {
      out["x-kubernetes-preserve-unknown-fields"] = true;
    }
  }
  return out;
}

/**
 * Lists every way `schema` is not a structural schema this project can install, as
 * `<path>: <problem>` strings; empty when it is structural. Stricter than the apiserver where that
 * keeps the generator honest: `$ref`, `anyOf`/`oneOf`/`allOf`/`not` and unknown keys are refused.
 *
 * @param path where `schema` sits, for the messages (e.g. `spec.versions[0].schema`).
 */
export function structuralSchemaErrors(schema: JsonSchema, path = "<root>"): string[] {
  const errors: string[] = [];
  const preserve = schema["x-kubernetes-preserve-unknown-fields"] === true;
  const intOrString = schema["x-kubernetes-int-or-string"] === true;
  if (typeof schema.type !== "string" && !preserve && !intOrString) {
    errors.push(`${path}: missing type`);
  }
  for (const key of Object.keys(schema)) {
    if (!ALLOWED_KEYS.has(key) && !key.startsWith("x-kubernetes-")) {
      errors.push(`${path}: key ${key} is not allowed`);
    }
  }
  const { properties, items, additionalProperties } = schema;
  if (additionalProperties !== undefined) {
    if (!isSchema(additionalProperties)) {
      errors.push(`${path}: additionalProperties must be a schema`);
    } else {
      if (properties !== undefined) {
        errors.push(`${path}: properties and additionalProperties are mutually exclusive`);
      }
      errors.push(...structuralSchemaErrors(additionalProperties, `${path}.*`));
    }
  }
  if (properties !== undefined) {
    if (!isSchema(properties)) {
      errors.push(`${path}: properties must be an object`);
    } else {
      for (const [name, child] of Object.entries(properties)) {
        if (isSchema(child)) errors.push(...structuralSchemaErrors(child, `${path}.${name}`));
        else errors.push(`${path}.${name}: not a schema`);
      }
    }
  }
  if (schema.type === "array") {
    if (isSchema(items)) errors.push(...structuralSchemaErrors(items, `${path}[]`));
    else errors.push(`${path}: array without an items schema`);
  }
  return errors;
}
