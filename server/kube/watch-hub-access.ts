import "server-only";
import type { UserIdentity } from "../auth/identity";
import type { UserKubeClients } from "./client";
import { toKubeError } from "./errors";

/**
 * Whether a user may see a collection the watch hub serves: `list` AND `watch` on the resource in
 * the namespace, asked of the apiserver as the user (two SelfSubjectAccessReviews through
 * impersonation, or with the user's own ID token in passthrough mode, so Kubernetes RBAC — and
 * any authorizer webhook — decides, not the dashboard).
 * Decisions are cached briefly per (user, groups, resource, namespace), and concurrent checks of
 * one key share one pair of requests, so 500 tabs opening at once cost two reviews, not 1,000.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/authorization/#checking-api-access
 */

export interface CollectionRef {
  group: string;
  /** Plural resource name, e.g. `mysqlclusters`. */
  resource: string;
  namespace: string;
}

export interface AccessDecision {
  allowed: boolean;
  /** Why not, in words for the user (empty when allowed). */
  reason: string;
}

/**
 * Checks one user's access; injectable so that the hub's unit tests need no apiserver. `asUser`,
 * when given, are the user's clients to ask with (else the checker makes its own).
 */
export type AccessChecker = (
  user: UserIdentity,
  ref: CollectionRef,
  asUser?: Promise<UserKubeClients>,
) => Promise<AccessDecision>;

/** How long a decision is reused, in milliseconds (the issue asks for "cached briefly"). */
export const ACCESS_CACHE_MS = 30_000;

const keyOf = (user: UserIdentity, ref: CollectionRef) =>
  JSON.stringify([user.username, [...user.groups].sort(), ref.group, ref.resource, ref.namespace]);

/**
 * An {@link AccessChecker} with a time-bounded cache over SelfSubjectAccessReviews.
 *
 * @param clientsFor - the user's clients (impersonating, or passing the ID token through), used
 *   when the caller gives none.
 * @param ttlMs - cache lifetime of a decision, in milliseconds.
 * @returns the checker; it rejects with KubeApiError / KubeConnectionError when a review itself
 *   fails (such failures are not cached).
 */
export function cachedAccessChecker(
  clientsFor: (user: UserIdentity) => Promise<UserKubeClients>,
  ttlMs = ACCESS_CACHE_MS,
): AccessChecker {
  const cache = new Map<string, { at: number; decision: Promise<AccessDecision> }>();
  return (user, ref, asUser) => {
    const key = keyOf(user, ref);
    const now = Date.now();
    const hit = cache.get(key);
    if (hit && now - hit.at < ttlMs) return hit.decision;
    // Drop expired entries now and then so that the map stays bounded by active users.
    if (cache.size > 1_000) {
      for (const [k, v] of cache) if (now - v.at >= ttlMs) cache.delete(k);
    }
    const decision = (asUser ?? clientsFor(user)).then((kube) => review(kube, ref));
    cache.set(key, { at: now, decision });
    decision.catch(() => cache.delete(key));
    return decision;
  };
}

async function review(kube: UserKubeClients, ref: CollectionRef): Promise<AccessDecision> {
  const ask = async (verb: "list" | "watch") => {
    try {
      const answer = await kube.authorization.createSelfSubjectAccessReview({
        body: {
          apiVersion: "authorization.k8s.io/v1",
          kind: "SelfSubjectAccessReview",
          spec: {
            resourceAttributes: {
              namespace: ref.namespace,
              verb,
              group: ref.group,
              resource: ref.resource,
            },
          },
        },
      });
      return answer.status?.allowed === true;
    } catch (err) {
      throw toKubeError(err, { namespace: ref.namespace });
    }
  };
  const [list, watch] = await Promise.all([ask("list"), ask("watch")]);
  if (list && watch) return { allowed: true, reason: "" };
  const missing = [list ? undefined : "list", watch ? undefined : "watch"].filter(Boolean);
  return {
    allowed: false,
    reason: `User "${kube.identity.username}" may not ${missing.join(" or ")} ${ref.resource} in namespace "${ref.namespace}".`,
  };
}
