/**
 * `GET /api/v1/namespaces/{namespace}/permissions`: what the signed-in user may do with each
 * resource in a namespace, as Kubernetes RBAC decides it, from one rules review per namespace.
 * The UI disables a control whose verb is not allowed and shows `reason`.
 *
 * Shape: one entry per plural of `lib/api/kinds.ts` (`mysqlclusters`, `mysqlbackups`, …) with a
 * decision per verb, and `actions[plural][action]` for the action routes (start / stop / pause /
 * resume / switchover need `patch` on the object; backup needs `create` on mysqlbackups, restore
 * `create` on mysqlrestores).
 *
 * `GET /api/v1/namespaces`: the namespaces the user may see (see {@link NamespaceListSchema}).
 */
import { z } from "zod";
import type { ActionName, KindPlural } from "./kinds";

export const VerbSchema = z.enum(["get", "list", "watch", "create", "update", "patch", "delete"]);
export type Verb = z.infer<typeof VerbSchema>;
export const VERBS = VerbSchema.options;

export const ActionNameSchema = z.enum([
  "start",
  "stop",
  "backup",
  "restore",
  "switchover",
  "pause",
  "resume",
]) satisfies z.ZodType<ActionName>;

export const DecisionSchema = z.object({
  allowed: z.boolean(),
  /** Why not, in words for the user; empty when allowed. */
  reason: z.string(),
});
export type Decision = z.infer<typeof DecisionSchema>;

/** A decision for every verb on one kind. */
export const VerbDecisionsSchema = z.record(VerbSchema, DecisionSchema);
export type VerbDecisions = z.infer<typeof VerbDecisionsSchema>;

/** A decision for each action the kind has. */
export const ActionDecisionsSchema = z.partialRecord(ActionNameSchema, DecisionSchema);
export type ActionDecisions = z.infer<typeof ActionDecisionsSchema>;

/** Every plural, as the permissions answer keys them. */
export const PERMISSION_PLURALS = [
  "mysqlclusters",
  "mysqlbackups",
  "mysqlrestores",
  "kafkaclusters",
  "kafkatopics",
  "kafkausers",
] as const satisfies readonly KindPlural[];

const byPlural = <T extends z.ZodType>(schema: T) =>
  z.object({
    mysqlclusters: schema,
    mysqlbackups: schema,
    mysqlrestores: schema,
    kafkaclusters: schema,
    kafkatopics: schema,
    kafkausers: schema,
  });

export const PermissionsSchema = byPlural(VerbDecisionsSchema).extend({
  namespace: z.string(),
  actions: byPlural(ActionDecisionsSchema),
});
export type Permissions = z.infer<typeof PermissionsSchema>;

/**
 * `GET /api/v1/namespaces`: the namespaces the user may see. `source` says how they were found:
 * `list` — the user may list namespaces; `configured` — the dashboard's configured namespaces
 * (`PILOTHOUSE_NAMESPACES`) that a rules review shows the user can read Pilothouse resources in
 * (users bound only by RoleBindings).
 */
export const NamespaceListSchema = z.object({
  items: z.array(z.string()),
  source: z.enum(["list", "configured"]),
});
export type NamespaceList = z.infer<typeof NamespaceListSchema>;
