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
 * Deepest nesting of objects and arrays a request body may have. The deepest valid
 * MySQLCluster body is far shallower (about 8); the bound keeps a hostile `[[[[…` from costing
 * recursion in the parser and the schema.
 */
export const MAX_JSON_DEPTH = 32;

const tooLarge = () =>
  apiError(413, "RequestEntityTooLarge", `The body is larger than ${MAX_BODY_BYTES} bytes.`);

/**
 * Reads a request body as UTF-8 text, at most `limit` bytes: refused from the `Content-Length`
 * header before reading, and, for a chunked body, the read stops (and the stream is cancelled)
 * as soon as the count passes the limit — an oversized body is never buffered whole.
 *
 * @param limit - in bytes.
 * @returns the text, or `null` when the body is over the limit.
 */
export async function readLimitedText(request: Request, limit: number): Promise<string | null> {
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > limit) return null;
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return new TextDecoder("utf-8").decode(Buffer.concat(chunks));
}

/**
 * The deepest nesting of objects and arrays in a JSON text, counted without parsing (brackets
 * inside strings do not count). Stops counting once past `max`.
 */
export function jsonDepth(text: string, max = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > max) return deepest;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

/** What a JSON value is, in the words of a message: "an array", "a string", "null". */
function jsonTypeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/**
 * Reads a JSON object request body (the object to create or update): 415 unless
 * `Content-Type: application/json` (which a cross-site form cannot send without a CORS
 * preflight), 413 over {@link MAX_BODY_BYTES} (see {@link readLimitedText}), 400 when the body
 * is missing or empty, is not JSON, nests deeper than {@link MAX_JSON_DEPTH}, or is not an
 * object (`[]`, `"x"`, `null`).
 */
export async function readJsonBody(request: Request): Promise<Parsed<unknown>> {
  const type = request.headers.get("content-type") ?? "";
  const json = /^application\/json\s*(;|$)/i.test(type);
  let text: string | null;
  try {
    text = await readLimitedText(request, MAX_BODY_BYTES);
  } catch {
    return { ok: false, error: apiError(400, "BadRequest", "The body could not be read.") };
  }
  if (text === null) return { ok: false, error: tooLarge() };
  if (text.trim() === "") {
    const message =
      "The request has no body: send the object as JSON (Content-Type: application/json).";
    return { ok: false, error: apiError(400, "BadRequest", message) };
  }
  if (!json) {
    const message = "Send the body as Content-Type: application/json.";
    return { ok: false, error: apiError(415, "UnsupportedMediaType", message) };
  }
  if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    const message = `The body nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels.`;
    return { ok: false, error: apiError(400, "BadRequest", message) };
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return { ok: false, error: apiError(400, "BadRequest", "The body is not valid JSON.") };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    const message = `The body must be a JSON object, not ${jsonTypeOf(value)}.`;
    return { ok: false, error: apiError(400, "BadRequest", message) };
  }
  return { ok: true, value };
}

/** The query string of a request as a plain object (last value wins). */
export function queryOf(request: Request): Record<string, string> {
  return Object.fromEntries(new URL(request.url).searchParams);
}
