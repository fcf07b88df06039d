import "server-only";
import type { z } from "zod";
import { causesFromIssues } from "@/lib/api/errors";
import { apiError, type ApiError } from "./errors";

/** Largest JSON body the API reads, in bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/**
 * Validates a value with a zod schema; failures become 422 `Invalid` with field paths.
 *
 * @param message - the error's message, e.g. `Invalid MySQLCluster.`
 */
export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
  message: string,
): Parsed<z.infer<S>> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    error: apiError(422, "Invalid", message, causesFromIssues(result.error.issues)),
  };
}

/**
 * Reads a JSON request body: 415 unless `Content-Type: application/json` (which a cross-site
 * form cannot send without a CORS preflight), 413 over {@link MAX_BODY_BYTES}, 400 when it is not
 * JSON.
 */
export async function readJsonBody(request: Request): Promise<Parsed<unknown>> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    return {
      ok: false,
      error: apiError(415, "BadRequest", "Send the body as Content-Type: application/json."),
    };
  }
  const text = await request.text();
  if (Buffer.byteLength(text, "utf8") > MAX_BODY_BYTES) {
    return {
      ok: false,
      error: apiError(413, "BadRequest", `The body is larger than ${MAX_BODY_BYTES} bytes.`),
    };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, error: apiError(400, "BadRequest", "The body is not valid JSON.") };
  }
}

/** The query string of a request as a plain object (last value wins). */
export function queryOf(request: Request): Record<string, string> {
  return Object.fromEntries(new URL(request.url).searchParams);
}
