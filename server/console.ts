import "server-only";
import { Dns1123LabelSchema } from "@/lib/crds/common";
import type { MySQLCluster } from "@/lib/crds/mysql-cluster";
import type { UserIdentity } from "./auth/identity";
import { requireUser } from "./auth/session";
import { getConfig } from "./config";
import { kubeForUser } from "./kube/client";
import { KubeApiError } from "./kube/errors";
import { getMySQLCluster } from "./kube/mysql-clusters";

/** What every console page needs from the server. */
export interface ConsoleContext {
  user: UserIdentity;
  /** The namespace to show: the `namespace` query parameter when valid, else the default. */
  namespace: string;
  /** The `namespace` query parameter when it was given but is not a namespace name. */
  refusedNamespace?: string;
}

/**
 * The signed-in user (or a redirect to sign-in that returns to `returnTo`) and the namespace of
 * a console page.
 *
 * @param returnTo - the page's own path and query.
 * @param namespaceParam - the raw `namespace` search parameter.
 */
export async function consolePage(
  returnTo: string,
  namespaceParam?: string | string[],
): Promise<ConsoleContext> {
  const user = await requireUser(returnTo);
  const parsed = Dns1123LabelSchema.safeParse(namespaceParam);
  if (parsed.success) return { user, namespace: parsed.data };
  const given = Array.isArray(namespaceParam) ? namespaceParam[0] : namespaceParam;
  return { user, namespace: getConfig().defaultNamespace, refusedNamespace: given };
}

/**
 * A same-origin path to return to after sign-in; anything else (absolute URLs, `//host`)
 * becomes `/`, so the sign-in page cannot be used as an open redirect.
 */
export function safeReturnPath(value: string | string[] | undefined): string {
  const path = Array.isArray(value) ? value[0] : value;
  if (!path || !path.startsWith("/") || path.startsWith("//") || path.startsWith("/\\")) return "/";
  return path;
}

/**
 * The MySQLCluster a detail page shows, read as the user before the page renders, so that a
 * missing one answers HTTP 404 (`notFound()`).
 *
 * @returns the object; `null` when Kubernetes says it does not exist; `undefined` on any other
 *   failure (403, apiserver down), which the page's client then shows and retries itself.
 */
export async function findMySQLCluster(
  user: UserIdentity,
  namespace: string,
  name: string,
): Promise<MySQLCluster | null | undefined> {
  try {
    return await getMySQLCluster(await kubeForUser(user), namespace, name);
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404) return null;
    return undefined;
  }
}
