import "server-only";
import { Dns1123LabelSchema } from "@/lib/crds/common";
import type { UserIdentity } from "./auth/identity";
import { requireUser } from "./auth/session";
import { getConfig } from "./config";

/** What every console page needs from the server. */
export interface ConsoleContext {
  user: UserIdentity;
  /** The namespace to show: the `namespace` query parameter when valid, else the default. */
  namespace: string;
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
  return { user, namespace: parsed.success ? parsed.data : getConfig().defaultNamespace };
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
