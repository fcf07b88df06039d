import "server-only";
import { VERBS, type Decision, type Permissions, type Verb } from "@/lib/api/permissions";
import { Dns1123LabelSchema } from "@/lib/crds/common";
import { MYSQL_GROUP, MySQLClusterNames } from "@/lib/crds/mysql-cluster";
import type { UserIdentity } from "../auth/identity";
import { getUser } from "../auth/session";
import { reviewAccess } from "../kube/access-review";
import { kubeForUser } from "../kube/client";
import { errorResponse, toApiError, unauthorized } from "./errors";
import { validate } from "./request";

/**
 * `GET /api/v1/namespaces/{namespace}/permissions`: the user's verbs on MySQLClusters in the
 * namespace, from one rules review as the user, with a reason for each refusal that the UI shows
 * next to the disabled control.
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
): Decision {
  if (allowed) return { allowed, reason: "" };
  const groups = user.groups.length > 0 ? user.groups.join(", ") : "none";
  return {
    allowed,
    reason:
      `Kubernetes RBAC does not allow ${user.username} (groups: ${groups}) to ` +
      `${VERB_WORDS[verb]} MySQL clusters in namespace ${namespace}.`,
  };
}

export async function permissionsHandler(
  _request: Request,
  params: { namespace: string },
): Promise<Response> {
  const user = await getUser();
  if (!user) return unauthorized();
  const namespace = validate(Dns1123LabelSchema, params.namespace, "Invalid namespace.");
  if (!namespace.ok) return errorResponse(namespace.error);
  try {
    const allowed = await reviewAccess(await kubeForUser(user), namespace.value, {
      group: MYSQL_GROUP,
      resource: MySQLClusterNames.plural,
    });
    const mysqlclusters = Object.fromEntries(
      VERBS.map((verb) => [verb, decide(allowed[verb], verb, namespace.value, user)]),
    ) as Record<Verb, Decision>;
    const body: Permissions = { namespace: namespace.value, mysqlclusters };
    return Response.json(body, { headers: { "Cache-Control": "no-store" } });
  } catch (err) {
    return errorResponse(toApiError(err));
  }
}
