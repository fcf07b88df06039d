import "server-only";
import { z } from "zod";
import type { ActionName, KindInfo, KindPlural } from "@/lib/api/kinds";
import { KINDS } from "@/lib/api/kinds";
import {
  VERBS,
  type ActionDecisions,
  type Decision,
  type NamespaceList,
  type Permissions,
  type Verb,
  type VerbDecisions,
} from "@/lib/api/permissions";
import { Dns1123LabelSchema } from "@/lib/crds/common";
import { MYSQL_GROUP } from "@/lib/crds/mysql-cluster";
import type { UserIdentity } from "../auth/identity";
import { getConfig } from "../config";
import { accessReview, reviewChecks, type AccessCheck } from "../kube/access-review";
import { kubeForUser, type UserKubeClients } from "../kube/client";
import { KubeApiError, toKubeError } from "../kube/errors";
import { errorResponse, toApiError } from "./errors";
import { guardRequest } from "./guard";
import { validate } from "./request";

/**
 * `GET /api/v1/namespaces/{namespace}/permissions`: the user's verbs on every kind and the
 * action routes in the namespace, from ONE SelfSubjectRulesReview as the user (see
 * server/kube/access-review.ts), with a reason for each refusal that the UI shows next to the
 * disabled control.
 *
 * `GET /api/v1/namespaces`: the namespaces the user may see (see {@link namespacesHandler}).
 */

/** Words for a verb in a refusal, e.g. "create". */
const VERB_WORDS: Record<Verb, string> = {
  get: "view",
  list: "list",
  watch: "watch",
  create: "create",
  update: "edit",
  patch: "edit",
  delete: "delete",
};

/** Words for a kind's objects, e.g. "MySQL clusters". */
const KIND_WORDS: Record<KindPlural, string> = {
  mysqlclusters: "MySQL clusters",
  mysqlbackups: "MySQL backups",
  mysqlrestores: "MySQL restores",
  kafkaclusters: "Kafka clusters",
  kafkatopics: "Kafka topics",
  kafkausers: "Kafka users",
};

const ACTION_WORDS: Record<ActionName, string> = {
  start: "start",
  stop: "stop",
  backup: "back up",
  restore: "restore",
  switchover: "switch over",
  pause: "pause reconciling",
  resume: "resume reconciling",
};

/**
 * What an action route needs from RBAC: `patch` on the object for start / stop / pause /
 * resume / switchover (they change `spec.stopped` or an annotation), `create` on mysqlbackups
 * for backup and on mysqlrestores for restore.
 */
export function actionCheck(
  kind: Pick<KindInfo, "group" | "plural">,
  action: ActionName,
): AccessCheck {
  if (action === "backup") return { group: MYSQL_GROUP, resource: "mysqlbackups", verb: "create" };
  if (action === "restore")
    return { group: MYSQL_GROUP, resource: "mysqlrestores", verb: "create" };
  return { group: kind.group, resource: kind.plural, verb: "patch" };
}

const groupsOf = (user: Pick<UserIdentity, "groups">) =>
  user.groups.length > 0 ? user.groups.join(", ") : "none";

/**
 * The decision for one verb, with the reason when refused.
 *
 * @example decide(false, "create", "demo", bob) →
 *   { allowed: false, reason: "Kubernetes RBAC does not allow bob@… (groups: …) to create MySQL clusters in namespace demo." }
 */
export function decide(
  allowed: boolean,
  verb: Verb,
  namespace: string,
  user: Pick<UserIdentity, "username" | "groups">,
  plural: KindPlural = "mysqlclusters",
): Decision {
  if (allowed) return { allowed, reason: "" };
  return {
    allowed,
    reason:
      `Kubernetes RBAC does not allow ${user.username} (groups: ${groupsOf(user)}) to ` +
      `${VERB_WORDS[verb]} ${KIND_WORDS[plural]} in namespace ${namespace}.`,
  };
}

/** The decision for one action, naming the permission it needs when refused. */
export function decideAction(
  allowed: boolean,
  action: ActionName,
  check: AccessCheck,
  plural: KindPlural,
  namespace: string,
  user: Pick<UserIdentity, "username" | "groups">,
): Decision {
  if (allowed) return { allowed, reason: "" };
  return {
    allowed,
    reason:
      `Kubernetes RBAC does not allow ${user.username} (groups: ${groupsOf(user)}) to ` +
      `${ACTION_WORDS[action]} ${KIND_WORDS[plural]} in namespace ${namespace}: it needs ` +
      `${check.verb} on ${check.resource}.`,
  };
}

/**
 * Every kind's verbs and actions in `namespace` for the user of `kube`: one rules review.
 *
 * @throws KubeApiError or KubeConnectionError when the review fails.
 */
export async function namespacePermissions(
  kube: UserKubeClients,
  namespace: string,
): Promise<Permissions> {
  const user = kube.identity;
  const checks: AccessCheck[] = [];
  for (const kind of KINDS) {
    for (const verb of VERBS) checks.push({ group: kind.group, resource: kind.plural, verb });
    for (const action of kind.actions) checks.push(actionCheck(kind, action));
  }
  const answers = await reviewChecks(kube, namespace, checks);
  let at = 0;
  const verbs = {} as Record<KindPlural, VerbDecisions>;
  const actions = {} as Record<KindPlural, ActionDecisions>;
  for (const kind of KINDS) {
    const plural: KindPlural = kind.plural;
    const byVerb = {} as VerbDecisions;
    for (const verb of VERBS)
      byVerb[verb] = decide(answers[at++] === true, verb, namespace, user, plural);
    const byAction: ActionDecisions = {};
    for (const action of kind.actions) {
      const check = actionCheck(kind, action);
      byAction[action] = decideAction(
        answers[at++] === true,
        action,
        check,
        plural,
        namespace,
        user,
      );
    }
    verbs[plural] = byVerb;
    actions[plural] = byAction;
  }
  return { namespace, ...verbs, actions };
}

export async function permissionsHandler(
  request: Request,
  params: { namespace: string },
): Promise<Response> {
  const guard = await guardRequest(request, { mutating: false });
  if (!guard.ok) return guard.response;
  const path = validate(z.object({ namespace: Dns1123LabelSchema }), params, "Invalid path.");
  if (!path.ok) return errorResponse(path.error);
  try {
    const body = await namespacePermissions(await kubeForUser(guard.user), path.value.namespace);
    return Response.json(body, { headers: { "Cache-Control": "no-store" } });
  } catch (err) {
    return errorResponse(toApiError(err));
  }
}

/**
 * The namespaces the user may see.
 *
 * - A user who may list namespaces (a ClusterRoleBinding) gets the apiserver's list, as the user.
 * - Anyone else (bound only by RoleBindings, which cannot grant a cluster-wide list) gets the
 *   dashboard's configured namespaces (`PILOTHOUSE_NAMESPACES` plus the default one) filtered by
 *   one rules review per namespace as the user: a namespace is shown when the user may list at
 *   least one Pilothouse kind in it. This is Headlamp's "allowed namespaces" approach; the
 *   dashboard's own ServiceAccount keeps no rights to read RoleBindings, so it cannot discover
 *   namespaces the configuration does not name.
 *
 * @throws KubeApiError or KubeConnectionError.
 */
export async function visibleNamespaces(kube: UserKubeClients): Promise<NamespaceList> {
  const mayList = await accessReview(kube, "", { group: "", resource: "namespaces", verb: "list" });
  if (mayList) {
    try {
      const list = await kube.core.listNamespace();
      const items = list.items.flatMap((ns) => (ns.metadata?.name ? [ns.metadata.name] : []));
      return { items: items.sort(), source: "list" };
    } catch (err) {
      const error = toKubeError(err);
      // Allowed by the review but refused (a race with an RBAC change): fall back below.
      if (!(error instanceof KubeApiError && error.status === 403)) throw error;
    }
  }
  const candidates = getConfig().namespaces;
  const listChecks = KINDS.map((kind) => ({
    group: kind.group,
    resource: kind.plural,
    verb: "list" as const,
  }));
  const visible = await Promise.all(
    candidates.map(async (namespace) =>
      (await reviewChecks(kube, namespace, listChecks)).some(Boolean),
    ),
  );
  return { items: candidates.filter((_, i) => visible[i]).sort(), source: "configured" };
}

export async function namespacesHandler(request: Request): Promise<Response> {
  const guard = await guardRequest(request, { mutating: false });
  if (!guard.ok) return guard.response;
  try {
    const body = await visibleNamespaces(await kubeForUser(guard.user));
    return Response.json(body, { headers: { "Cache-Control": "no-store" } });
  } catch (err) {
    return errorResponse(toApiError(err));
  }
}
