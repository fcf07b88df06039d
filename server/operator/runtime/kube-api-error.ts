import "server-only";
import { ApiException } from "@kubernetes/client-node";
import { z } from "zod";

/** The parts of a `metav1.Status` error body the operator uses. */
const StatusBodySchema = z.object({
  message: z.string().optional(),
  reason: z.string().optional(),
  details: z
    .object({
      causes: z
        .array(z.object({ field: z.string().optional(), message: z.string().optional() }))
        .optional(),
    })
    .optional(),
});

/** One field-level cause of a 422 Invalid answer, e.g. `{ field: "spec.replicas", message }`. */
export interface KubeApiErrorCause {
  field?: string;
  message?: string;
}

/**
 * A failed Kubernetes API call: the HTTP status, the `metav1.Status` reason and message, and
 * which object it was about. Thrown by the operator's kube adapters instead of client-node's
 * `ApiException`, whose message embeds the whole response.
 *
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#response-status-kind
 */
export class KubeApiError extends Error {
  override readonly name = "KubeApiError";

  constructor(
    /** HTTP status code, e.g. 404, 409, 422. */
    readonly status: number,
    /** `Status.reason`, e.g. `NotFound`, `AlreadyExists`, `Conflict`, `Invalid`. */
    readonly reason: string,
    message: string,
    readonly target: { kind: string; namespace?: string; name?: string },
    readonly causes: KubeApiErrorCause[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

function parseBody(body: unknown): z.infer<typeof StatusBodySchema> {
  let value = body;
  if (typeof body === "string") {
    try {
      value = JSON.parse(body) as unknown;
    } catch {
      return { message: body };
    }
  }
  const parsed = StatusBodySchema.safeParse(value);
  return parsed.success ? parsed.data : {};
}

/**
 * Wraps whatever a client-node call threw into a {@link KubeApiError} when it is an API answer
 * (client-node's `ApiException`, or a watch error carrying `statusCode`); returns other errors
 * (network, TLS, programming errors) unchanged.
 */
export function toKubeApiError(error: unknown, target: KubeApiError["target"]): unknown {
  if (error instanceof KubeApiError) return error;
  if (error instanceof ApiException) {
    const status = (error as ApiException<unknown>).code;
    const body = parseBody((error as ApiException<unknown>).body);
    const message = body.message ?? `HTTP ${status} for ${target.kind} ${target.name ?? ""}`;
    return new KubeApiError(
      status,
      body.reason ?? "",
      message,
      target,
      body.details?.causes ?? [],
      {
        cause: error,
      },
    );
  }
  return error;
}

/** The HTTP status of a Kubernetes API error, or undefined for anything else. */
export function kubeStatus(error: unknown): number | undefined {
  if (error instanceof KubeApiError) return error.status;
  if (error instanceof ApiException) return (error as ApiException<unknown>).code;
  if (typeof error === "object" && error !== null && "statusCode" in error) {
    const { statusCode } = error;
    return typeof statusCode === "number" ? statusCode : undefined;
  }
  return undefined;
}

export const isNotFound = (error: unknown): boolean => kubeStatus(error) === 404;
export const isConflict = (error: unknown): boolean => kubeStatus(error) === 409;

/**
 * True for answers that retrying the same request cannot change: 400 Bad Request and
 * 422 Invalid (the object breaks validation or an immutable field). They become a condition
 * rather than a retry loop; a spec change triggers a new attempt anyway.
 */
export function isTerminal(error: unknown): boolean {
  const status = kubeStatus(error);
  return status === 400 || status === 422;
}
