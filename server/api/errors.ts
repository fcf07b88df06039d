import "server-only";
import type { ApiErrorBody, ApiErrorCause, ApiErrorCode } from "@/lib/api/errors";
import { KubeApiError, KubeConnectionError, type KubeCause } from "../kube/errors";
import { moduleLogger } from "../log";

/**
 * Maps the kube transport's typed errors to REST API errors: an HTTP status and the JSON body
 * `{ error: { code, message, causes[] } }` (STYLE.md rule 10). Kubernetes' own messages and field
 * causes are passed through: they name the user, the verb and the field.
 */

const log = moduleLogger("api/errors");

export interface ApiError {
  status: number;
  body: ApiErrorBody;
}

/** Builds an error body. */
export function apiError(
  status: number,
  code: ApiErrorCode,
  message: string,
  causes: ApiErrorCause[] = [],
): ApiError {
  return { status, body: { error: { code, message, causes } } };
}

/** A cause field Kubernetes uses when a rule has no field path (CEL on the whole object). */
const NO_FIELD = new Set(["", "<nil>"]);
const INVALID_VALUE_PREFIX = /^Invalid value: (?:"[^"]*": )?/;
const NAMED_FIELD = /^(metadata\.name|metadata\.namespace|spec(?:\.[A-Za-z0-9_]+)*) (.+)$/;

/**
 * Kubernetes field causes as the API reports them: a cause without a field (`<nil>`, from a CEL
 * rule on the whole object such as the MySQLCluster's `metadata.name` rules) whose message starts
 * with a field path gets that field, so a form shows it on the field; `Invalid value: "object": `
 * noise is dropped; duplicates (same field and message) are reported once.
 *
 * @param causes - `metav1.StatusCause`s of an apiserver error.
 */
export function normalizeKubeCauses(causes: readonly KubeCause[]): ApiErrorCause[] {
  const seen = new Set<string>();
  const result: ApiErrorCause[] = [];
  for (const cause of causes) {
    let field = cause.field && !NO_FIELD.has(cause.field) ? cause.field : undefined;
    let message = cause.message;
    if (field === undefined) {
      const named = NAMED_FIELD.exec(message.replace(INVALID_VALUE_PREFIX, ""));
      if (named?.[1] && named[2]) [field, message] = [named[1], named[2]];
    }
    const key = `${field ?? ""}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    result.push({ field, message });
  }
  return result;
}

/** Kubernetes statuses passed through as they are, with the code the API uses for them. */
const PASSED_THROUGH: Record<number, ApiErrorCode> = {
  400: "BadRequest",
  403: "Forbidden",
  404: "NotFound",
  409: "Conflict",
  422: "Invalid",
  429: "TooManyRequests",
};

/**
 * The API error for anything a handler caught.
 *
 * - KubeApiError 400/403/404/409/422/429: same status, Kubernetes message and causes;
 *   409 keeps the reason `AlreadyExists` when that is what happened.
 * - KubeApiError 401: the apiserver refused the dashboard's own credentials — a server fault
 *   (502), not the user's.
 * - other KubeApiError: 502; KubeConnectionError: 503; anything else: 500 (logged, message hidden).
 */
export function toApiError(err: unknown): ApiError {
  if (err instanceof KubeApiError) {
    const passed = PASSED_THROUGH[err.status];
    if (passed) {
      const code = err.status === 409 && err.reason === "AlreadyExists" ? "AlreadyExists" : passed;
      return apiError(err.status, code, err.message, normalizeKubeCauses(err.causes));
    }
    if (err.status === 401) {
      log.error({ err }, "apiserver rejected the dashboard's credentials");
      return apiError(502, "InternalError", "The dashboard's Kubernetes credentials were refused.");
    }
    log.warn({ err }, "apiserver error");
    return apiError(502, "KubernetesUnavailable", `Kubernetes answered: ${err.message}`);
  }
  if (err instanceof KubeConnectionError) {
    log.warn({ err }, "apiserver unreachable");
    return apiError(503, "KubernetesUnavailable", "The Kubernetes API cannot be reached.");
  }
  log.error({ err }, "unexpected error in a handler");
  return apiError(500, "InternalError", "Internal error.");
}

/** A JSON response for an {@link ApiError}. */
export function errorResponse(error: ApiError): Response {
  return Response.json(error.body, {
    status: error.status,
    headers: { "Cache-Control": "no-store" },
  });
}

/** 401 for a request without a valid session. */
export function unauthorized(): Response {
  return errorResponse(apiError(401, "Unauthorized", "Sign in to use the Pilothouse API."));
}
