/**
 * Reads and writes a form's document (plain JSON: the object the API receives) by field path.
 * A path is a list of keys and array indexes, `["spec", "storage", "size"]`; its dotted form
 * (`spec.storage.size`, `spec.backup.storages.0.name`) is how the API and zod name fields.
 * Every write returns a new document: the input is never modified (React state).
 */

export type PathSegment = string | number;
export type FieldPath = readonly PathSegment[];

/** A JSON object (not an array, not null). */
export type JsonObject = { [key: string]: unknown };

export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** `spec.storage.size` for `["spec", "storage", "size"]`. */
export const dotted = (path: FieldPath): string => path.map(String).join(".");

/**
 * The dotted path of a field as the apiserver names it in its causes (`spec.items[0].name`,
 * `spec.configs[retention.ms]`) or as zod does (`spec.items.0.name`), normalised to the form's
 * dotted form (`spec.items.0.name`). Map keys in brackets stay one segment.
 *
 * @returns the segments; `[]` for an empty string.
 */
export function parseFieldPath(field: string): PathSegment[] {
  const segments: PathSegment[] = [];
  const pattern = /([^.[\]]+)|\[([^\]]*)\]/g;
  for (const match of field.matchAll(pattern)) {
    const bare = match[1];
    const bracketed = match[2];
    if (bare !== undefined) segments.push(/^\d+$/.test(bare) ? Number(bare) : bare);
    else if (bracketed !== undefined) {
      segments.push(/^\d+$/.test(bracketed) ? Number(bracketed) : bracketed.replace(/^"|"$/g, ""));
    }
  }
  return segments;
}

/** The value at `path`, or `undefined` when any step is missing. */
export function getAt(document: unknown, path: FieldPath): unknown {
  let current = document;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === "number") current = current[segment];
    else if (isJsonObject(current) && typeof segment === "string") current = current[segment];
    else return undefined;
  }
  return current;
}

function withChild(container: unknown, segment: PathSegment, child: unknown): unknown {
  if (typeof segment === "number") {
    const copy = Array.isArray(container) ? [...(container as unknown[])] : [];
    copy[segment] = child;
    return copy;
  }
  return { ...(isJsonObject(container) ? container : {}), [segment]: child };
}

function withoutChild(container: unknown, segment: PathSegment): unknown {
  if (Array.isArray(container) && typeof segment === "number") {
    return container.filter((_, index) => index !== segment);
  }
  if (isJsonObject(container) && typeof segment === "string") {
    const rest = { ...container };
    delete rest[segment];
    return rest;
  }
  return container;
}

/**
 * `document` with `value` at `path`, creating the objects (or arrays, for numeric segments) on
 * the way. `value === undefined` removes the key (an array item is spliced out); then each
 * ancestor object that became empty is removed too unless `keepEmpty(ancestorPath)` says the
 * schema requires it, so that clearing the last field of an optional section does not leave an
 * empty object that the CRD might refuse.
 */
export function setAt(
  document: JsonObject,
  path: FieldPath,
  value: unknown,
  keepEmpty: (path: FieldPath) => boolean = () => true,
): JsonObject {
  if (path.length === 0) return isJsonObject(value) ? value : document;
  const write = (container: unknown, depth: number): unknown => {
    const segment = path[depth] as PathSegment;
    if (depth === path.length - 1) {
      return value === undefined
        ? withoutChild(container, segment)
        : withChild(container, segment, value);
    }
    const current = Array.isArray(container)
      ? (container as unknown[])[segment as number]
      : isJsonObject(container)
        ? container[segment as string]
        : undefined;
    const child = write(current, depth + 1);
    const childPath = path.slice(0, depth + 1);
    if (
      value === undefined &&
      isJsonObject(child) &&
      Object.keys(child).length === 0 &&
      !keepEmpty(childPath)
    ) {
      return withoutChild(container, segment);
    }
    return withChild(container, segment, child);
  };
  const written = write(document, 0);
  return isJsonObject(written) ? written : {};
}
