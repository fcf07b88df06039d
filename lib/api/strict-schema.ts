/**
 * Strict copies of CRD schemas for the HTTP boundary: every object of a request body refuses
 * unknown fields (422 with their path, e.g. `spec.storage.sizee: unknown field`) instead of
 * dropping them silently, so a typo is never mistaken for a default. The CRD schemas in
 * `lib/crds/` stay as they are (the operator parses what the apiserver returns with them and must
 * tolerate fields added by a newer version); this module derives strict copies, keeping every
 * check, default and metadata (descriptions, `x-kubernetes-validations`) of the original.
 */
import { z } from "zod";

type Meta = Record<string, unknown>;

/**
 * The metadata of a schema as `z.toJSONSchema` sees it: zod 4's `.describe()` and `.meta()`
 * return clones whose `_zod.parent` is the schema they were called on, and the metadata of the
 * whole chain applies (the nearest wins).
 */
function inheritedMeta(schema: z.ZodType): Meta | undefined {
  const chain: z.core.$ZodType[] = [];
  for (let s: z.core.$ZodType | undefined = schema; s; s = s._zod.parent) chain.unshift(s);
  let merged: Meta | undefined;
  for (const s of chain) {
    const meta = z.globalRegistry.get(s);
    if (meta) merged = { ...merged, ...meta };
  }
  return merged;
}

/** A new schema of the same class with some of its definition replaced, metadata kept. */
function rebuild<T extends z.ZodType>(schema: T, def: Partial<z.core.$ZodTypeDef>): T {
  const copy = schema.clone({ ...schema._zod.def, ...def });
  const meta = inheritedMeta(schema);
  if (meta) z.globalRegistry.add(copy, meta);
  return copy;
}

const memo = new WeakMap<z.core.$ZodType, z.ZodType>();

/**
 * A copy of `schema` in which every object (nested in optionals, defaults, arrays, records,
 * unions and pipes) is strict. An object with its own catch-all (one that preserves unknown
 * fields on purpose) keeps it.
 *
 * @returns a schema that parses to the same type; the input is not modified.
 */
export function strictDeep<T extends z.ZodType>(schema: T): T {
  const done = memo.get(schema);
  if (done) return done as T;
  const result = strictOnce(schema);
  memo.set(schema, result);
  return result as T;
}

function strictOnce(schema: z.ZodType): z.ZodType {
  const def = schema._zod.def as z.core.$ZodTypeDef & Record<string, unknown>;
  const strict = (inner: unknown) => strictDeep(inner as z.ZodType);
  switch (def.type) {
    case "object": {
      const shape = (schema as z.ZodObject).shape;
      const strictShape = Object.fromEntries(
        Object.entries(shape).map(([key, value]) => [key, strictDeep(value)]),
      );
      const catchall = (def as unknown as z.core.$ZodObjectDef).catchall ?? z.never();
      return rebuild(schema, { shape: strictShape, catchall } as Partial<z.core.$ZodObjectDef>);
    }
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "nonoptional":
      return rebuild(schema, { innerType: strict(def.innerType) } as Partial<z.core.$ZodTypeDef>);
    case "array":
      return rebuild(schema, { element: strict(def.element) } as Partial<z.core.$ZodTypeDef>);
    case "record":
      return rebuild(schema, { valueType: strict(def.valueType) } as Partial<z.core.$ZodTypeDef>);
    case "union":
      return rebuild(schema, {
        options: (def.options as z.ZodType[]).map((option) => strictDeep(option)),
      } as Partial<z.core.$ZodTypeDef>);
    case "pipe":
      return rebuild(schema, {
        in: strict(def.in),
        out: strict(def.out),
      } as Partial<z.core.$ZodTypeDef>);
    default:
      return schema;
  }
}
