import "server-only";
import { ApiException } from "@kubernetes/client-node";
import { kubeStatus } from "./kube-api-error";

/**
 * How long the apiserver asked a client to wait before it tries again. A kube-apiserver answers
 * 429 TooManyRequests with a `Retry-After` header (and `details.retryAfterSeconds` in the Status
 * body) when API Priority and Fairness or `--max-requests-inflight` sheds a request, and, right
 * after a CRD is installed, while the watch cache of the new resource is still initializing
 * ("storage is (re)initializing"). client-go waits that long and tries again without logging a
 * failure; the operator's informers do the same.
 *
 * @see https://kubernetes.io/docs/concepts/cluster-administration/flow-control/
 * @see https://www.rfc-editor.org/rfc/rfc9110#field.retry-after
 */

/** Used when a 429 carries no Retry-After at all (a watch request's error has no headers). */
export const DEFAULT_RETRY_AFTER_MS = 1_000;

/**
 * Parses a `Retry-After` value: delay-seconds (`"1"`) or an HTTP-date, relative to `now`.
 *
 * @returns milliseconds (never negative), or `undefined` when the value is neither.
 */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1_000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** A `metav1.Status` body as an object (client-node leaves it a JSON string). */
function statusBody(body: unknown): object | undefined {
  let value = body;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return undefined;
    }
  }
  return typeof value === "object" && value !== null ? value : undefined;
}

/** `details.retryAfterSeconds` of a `metav1.Status` body. */
function bodyRetryAfterMs(body: unknown): number | undefined {
  const value = statusBody(body);
  if (value === undefined || !("details" in value)) return undefined;
  const { details } = value;
  if (typeof details !== "object" || details === null || !("retryAfterSeconds" in details)) {
    return undefined;
  }
  const seconds = details.retryAfterSeconds;
  return typeof seconds === "number" && seconds >= 0 ? seconds * 1_000 : undefined;
}

/** The client-node `ApiException` of `error`, itself or its `cause` (a wrapped KubeApiError). */
function apiExceptionOf(error: unknown): ApiException<unknown> | undefined {
  if (error instanceof ApiException) return error as ApiException<unknown>;
  if (error instanceof Error && error.cause instanceof ApiException) {
    return error.cause as ApiException<unknown>;
  }
  return undefined;
}

/**
 * The wait a 429 TooManyRequests answer asks for: its `Retry-After` header, else the body's
 * `details.retryAfterSeconds`, else {@link DEFAULT_RETRY_AFTER_MS}.
 *
 * @param error - whatever a list or watch call threw.
 * @returns milliseconds, or `undefined` when `error` is not a 429 (then it is a real failure).
 */
export function retryAfterMs(error: unknown, now = Date.now()): number | undefined {
  if (kubeStatus(error) !== 429 && apiExceptionOf(error)?.code !== 429) return undefined;
  const exception = apiExceptionOf(error);
  const headers = exception?.headers ?? {};
  const header = Object.entries(headers).find(([key]) => key.toLowerCase() === "retry-after");
  return (
    parseRetryAfter(header?.[1], now) ?? bodyRetryAfterMs(exception?.body) ?? DEFAULT_RETRY_AFTER_MS
  );
}

/**
 * A one-line reason of an API error for logs: the Status body's `message` (e.g. "storage is
 * (re)initializing") rather than client-node's multi-line message embedding every header.
 */
export function statusMessageOf(error: unknown): string {
  const body = statusBody(apiExceptionOf(error)?.body);
  if (body && "message" in body && typeof body.message === "string") return body.message;
  return error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
}
