/**
 * The JSON error body of every Pilothouse REST API response that is not a success:
 * `{ error: { code, message, causes[] } }` (STYLE.md rule 10). `causes[].field` is a dotted path
 * into the request body (`spec.replicas`, `metadata.name`), the same path Kubernetes uses in its
 * field causes, so a form can show each message on its field.
 */
import { z } from "zod";

export const ApiErrorCauseSchema = z.object({
  field: z.string().optional(),
  message: z.string(),
});
export type ApiErrorCause = z.infer<typeof ApiErrorCauseSchema>;

/** Machine-readable error codes; Kubernetes `metav1.StatusReason` names where one applies. */
export const ApiErrorCodeSchema = z.enum([
  "Unauthorized",
  "Forbidden",
  /** A cookie-session request without a valid CSRF token or from another origin. */
  "CsrfFailed",
  "NotFound",
  "AlreadyExists",
  "Conflict",
  "Invalid",
  "BadRequest",
  /** 405: the method is not served on this path. */
  "MethodNotAllowed",
  /** 413: the body is larger than the API reads. */
  "RequestEntityTooLarge",
  /** 415: a body that is not `Content-Type: application/json`. */
  "UnsupportedMediaType",
  "TooManyRequests",
  "KubernetesUnavailable",
  "InternalError",
]);
export type ApiErrorCode = z.infer<typeof ApiErrorCodeSchema>;

export const ApiErrorBodySchema = z.object({
  error: z.object({
    code: ApiErrorCodeSchema,
    message: z.string(),
    causes: z.array(ApiErrorCauseSchema),
  }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBodySchema>;

/** The parts of a zod issue {@link causesFromIssues} reads. */
export interface IssueLike {
  path: readonly PropertyKey[];
  message: string;
  code?: string;
  /** `unrecognized_keys`: the unknown keys, under `path`. */
  keys?: readonly string[];
  /** `too_big` / `too_small`: the bound that was crossed. */
  maximum?: unknown;
  minimum?: unknown;
}

/** zod's wording of a wrong type, `Invalid input: expected string, received undefined`. */
const INVALID_TYPE = /^Invalid input: expected (\w+), received (\w+)$/;

/** zod's wording of a bound, `Too small: expected string to have >=1 characters`. */
const BOUND = /^Too (small|big): expected (string|number|array) to (?:have|be) ([<>]=?)(\d+)/;

/** A bound in words: "must not be empty", "must be at least 3 characters", "must be at most 9". */
function plainBound(message: string): string | undefined {
  const match = BOUND.exec(message);
  if (!match) return undefined;
  const [, size, type, op, limit] = match;
  if (size === "small" && type === "string" && op === ">=" && limit === "1") {
    return "must not be empty";
  }
  const plural = limit === "1" ? "" : "s";
  const unit = type === "string" ? ` character${plural}` : type === "array" ? ` item${plural}` : "";
  const bound =
    op === ">=" ? "at least" : op === "<=" ? "at most" : op === ">" ? "greater than" : "less than";
  return `must be ${bound} ${limit}${unit}`;
}

/** zod's wording of an enum or literal, `Invalid option: expected one of "a"|"b"`. */
const VALUE = /^Invalid (?:option|input): expected (?:one of )?((?:"[^"]*"\|?)+)$/;

/** An enum or literal in words: `must be one of: mysql, mariadb`, `must be "All"`. */
function plainValue(message: string): string | undefined {
  const match = VALUE.exec(message);
  if (!match?.[1]) return undefined;
  const values = match[1].split("|").filter(Boolean);
  return values.length === 1
    ? `must be ${values[0]}`
    : `must be one of: ${values.map((v) => v.replace(/^"|"$/g, "")).join(", ")}`;
}

/**
 * A zod issue in words a user reads on a field: a missing value "is required", a value of the
 * wrong type "must be a number", an empty string "must not be empty", a value outside an enum
 * "must be one of: mysql, mariadb" (zod's own `Invalid input: expected …`, `Invalid option: …`
 * and `Too small: expected …` wordings are for developers).
 * Messages the schemas set themselves are kept.
 */
export function plainIssue<T extends { code?: string; message: string; input?: unknown }>(
  issue: T,
): T {
  if (issue.code === "invalid_value") {
    const message = plainValue(issue.message);
    return message ? { ...issue, message } : issue;
  }
  if (issue.code === "too_small" || issue.code === "too_big") {
    const message = plainBound(issue.message);
    return message ? { ...issue, message } : issue;
  }
  if (issue.code !== "invalid_type") return issue;
  const match = INVALID_TYPE.exec(issue.message);
  const missing = ("input" in issue && issue.input === undefined) || match?.[2] === "undefined";
  if (missing) return { ...issue, message: "is required" };
  if (!match) return issue;
  const expected = match[1] === "int" ? "integer" : match[1];
  const article = /^[aeiou]/.test(expected ?? "") ? "an" : "a";
  return { ...issue, message: `must be ${article} ${expected}` };
}

/** `z.int()`'s own safe-integer bound: noise next to the schema's real bound on the same field. */
const isSafeIntegerBound = (issue: IssueLike) =>
  issue.maximum === Number.MAX_SAFE_INTEGER || issue.minimum === Number.MIN_SAFE_INTEGER;

const joinPath = (path: readonly PropertyKey[]) =>
  path.length > 0 ? path.map(String).join(".") : undefined;

/**
 * Turns zod issues into API causes with dotted field paths, in the words of {@link plainIssue}
 * ("is required", "must be a number"), one cause per field: an unknown key
 * becomes a cause on its own path (`spec.storage.sizee: unknown field`), and a field with several
 * issues keeps the first meaningful one (`replicas: 1e308` says "must be at most 9" once, not
 * also "outside the safe integer range").
 *
 * @param issues - `ZodError.issues` of a failed parse.
 */
export function causesFromIssues(issues: readonly IssueLike[]): ApiErrorCause[] {
  const expanded: { field: string | undefined; message: string; noise: boolean }[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys" && issue.keys && issue.keys.length > 0) {
      for (const key of issue.keys) {
        expanded.push({
          field: joinPath([...issue.path, key]),
          message: "unknown field",
          noise: false,
        });
      }
      continue;
    }
    expanded.push({
      field: joinPath(issue.path),
      message: plainIssue(issue).message,
      noise: isSafeIntegerBound(issue),
    });
  }
  const byField = new Map<string | undefined, { message: string; noise: boolean }>();
  for (const cause of expanded) {
    const seen = byField.get(cause.field);
    if (!seen || (seen.noise && !cause.noise)) byField.set(cause.field, cause);
  }
  return [...byField].map(([field, { message }]) => ({ field, message }));
}
