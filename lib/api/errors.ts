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
  "NotFound",
  "AlreadyExists",
  "Conflict",
  "Invalid",
  "BadRequest",
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

/**
 * Turns zod issues into API causes with dotted field paths.
 *
 * @param issues - `ZodError.issues` of a failed parse.
 */
export function causesFromIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): ApiErrorCause[] {
  return issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join(".") : undefined,
    message: issue.message,
  }));
}
