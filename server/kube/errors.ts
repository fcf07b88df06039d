import "server-only";
import { ApiException } from "@kubernetes/client-node";
import { STATUS_CODES } from "node:http";
import { z } from "zod";

/**
 * The kube transport's one error pattern (STYLE.md rule 10): every failure of a call to the
 * apiserver becomes a {@link KubeApiError} (the apiserver answered with an error status) or a
 * {@link KubeConnectionError} (it could not be reached). Handlers map them to HTTP responses.
 */

/**
 * `metav1.Status` as the apiserver returns it on errors.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/status/
 */
export const KubeStatusSchema = z.object({
  kind: z.literal("Status"),
  message: z.string().optional(),
  reason: z.string().optional(),
  code: z.int().optional(),
  details: z
    .object({
      name: z.string().optional(),
      group: z.string().optional(),
      kind: z.string().optional(),
      causes: z
        .array(
          z.object({
            reason: z.string().optional(),
            message: z.string().optional(),
            field: z.string().optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});
export type KubeStatus = z.infer<typeof KubeStatusSchema>;

/** One field-level cause of a failure, e.g. `{ field: "spec.replicas", message: "..." }`. */
export interface KubeCause {
  field?: string;
  reason?: string;
  message: string;
}

/** The object a call was about, for error messages and logs. */
export interface KubeTarget {
  namespace?: string;
  name?: string;
}

/** The apiserver answered with an error status (4xx/5xx). */
export class KubeApiError extends Error {
  override readonly name = "KubeApiError";
  /** HTTP status code, e.g. 403, 404, 409, 410, 422. */
  readonly status: number;
  /** `metav1.StatusReason`, e.g. `Forbidden`, `NotFound`, `AlreadyExists`, `Invalid`, `Expired`. */
  readonly reason: string;
  readonly namespace: string | undefined;
  readonly objectName: string | undefined;
  readonly causes: KubeCause[];

  constructor(
    init: { status: number; reason: string; message: string; causes?: KubeCause[] } & KubeTarget,
    options?: ErrorOptions,
  ) {
    super(init.message, options);
    this.status = init.status;
    this.reason = init.reason;
    this.namespace = init.namespace;
    this.objectName = init.name;
    this.causes = init.causes ?? [];
  }
}

/** The apiserver could not be reached or the connection broke (DNS, TCP, TLS, abort). */
export class KubeConnectionError extends Error {
  override readonly name = "KubeConnectionError";
}

/** Reason names for statuses the apiserver answers without a `Status` body. */
const REASON_BY_STATUS: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  409: "Conflict",
  410: "Expired",
  422: "Invalid",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
  504: "Timeout",
};

/**
 * Builds a {@link KubeApiError} from an HTTP status and the response body.
 *
 * @param status - HTTP status code of the response.
 * @param body - the response body: a `metav1.Status` (as text or parsed), or anything else.
 */
export function kubeApiErrorFrom(
  status: number,
  body: unknown,
  target: KubeTarget = {},
  options?: ErrorOptions,
): KubeApiError {
  let parsed: unknown = body;
  if (typeof body === "string") {
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
  }
  const result = KubeStatusSchema.safeParse(parsed);
  const kubeStatus = result.success ? result.data : undefined;
  const causes = (kubeStatus?.details?.causes ?? []).map((c) => ({
    field: c.field,
    reason: c.reason,
    message: c.message ?? c.reason ?? "invalid",
  }));
  return new KubeApiError(
    {
      status,
      reason: kubeStatus?.reason || REASON_BY_STATUS[status] || "Unknown",
      message: kubeStatus?.message || STATUS_CODES[status] || `HTTP ${status}`,
      causes,
      namespace: target.namespace,
      name: kubeStatus?.details?.name ?? target.name,
    },
    options,
  );
}

/**
 * Turns whatever a client-node call threw into the transport's typed errors.
 *
 * @param err - an `ApiException` from the generated APIs, an error with `statusCode` from
 *   `Watch`, or a network error.
 * @param target - the object the call was about.
 */
export function toKubeError(
  err: unknown,
  target: KubeTarget = {},
): KubeApiError | KubeConnectionError {
  if (err instanceof KubeApiError || err instanceof KubeConnectionError) return err;
  if (err instanceof ApiException) {
    return kubeApiErrorFrom(err.code, err.body, target, { cause: err });
  }
  if (err instanceof Error && "statusCode" in err && typeof err.statusCode === "number") {
    return kubeApiErrorFrom(err.statusCode, undefined, target, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new KubeConnectionError(`Kubernetes API unreachable: ${message}`, { cause: err });
}
