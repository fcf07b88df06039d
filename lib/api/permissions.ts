/**
 * `GET /api/v1/namespaces/{namespace}/permissions`: what the signed-in user may do with each
 * resource in a namespace, as Kubernetes RBAC decides it. The UI disables a control whose verb
 * is not allowed and shows `reason`.
 */
import { z } from "zod";

export const VerbSchema = z.enum(["get", "list", "watch", "create", "update", "patch", "delete"]);
export type Verb = z.infer<typeof VerbSchema>;
export const VERBS = VerbSchema.options;

export const DecisionSchema = z.object({
  allowed: z.boolean(),
  /** Why not, in words for the user; empty when allowed. */
  reason: z.string(),
});
export type Decision = z.infer<typeof DecisionSchema>;

export const PermissionsSchema = z.object({
  namespace: z.string(),
  mysqlclusters: z.record(VerbSchema, DecisionSchema),
});
export type Permissions = z.infer<typeof PermissionsSchema>;
