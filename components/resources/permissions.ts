/**
 * Reading `GET /api/v1/namespaces/{ns}/permissions` for any kind. The answer has one entry per
 * plural (`{ namespace, mysqlclusters: { create: { allowed, reason } … }, kafkatopics: … }`);
 * a plural or verb the server does not (yet) report reads as "unknown", never as allowed.
 */
import { z } from "zod";
import { DecisionSchema, type Decision, type Verb } from "@/lib/api/permissions";

export const AnyPermissionsSchema = z.looseObject({ namespace: z.string() });
export type AnyPermissions = z.infer<typeof AnyPermissionsSchema>;

const VerbDecisionsSchema = z.record(z.string(), DecisionSchema);

/**
 * The decision for `verb` on `plural`, or a refusal saying the permission is not known.
 *
 * @param words - the kind's name for the message, e.g. "MySQL clusters".
 */
export function decisionFor(
  permissions: AnyPermissions | undefined,
  plural: string,
  verb: Verb,
  words: string,
): Decision {
  if (!permissions) return { allowed: false, reason: "Checking your permissions…" };
  const parsed = VerbDecisionsSchema.safeParse(permissions[plural]);
  const decision = parsed.success ? parsed.data[verb] : undefined;
  return (
    decision ?? {
      allowed: false,
      reason: `Your permission to ${verb} ${words} in namespace ${permissions.namespace} is not known.`,
    }
  );
}

const ActionDecisionsSchema = z.record(z.string(), z.record(z.string(), DecisionSchema));

/**
 * The decision for an action (`actions[plural][action]` of the answer, whose reason names the
 * permission the action needs), or `undefined` when the server does not report actions.
 */
export function actionDecisionFor(
  permissions: AnyPermissions | undefined,
  plural: string,
  action: string,
): Decision | undefined {
  const parsed = ActionDecisionsSchema.safeParse(permissions?.actions);
  return parsed.success ? parsed.data[plural]?.[action] : undefined;
}
