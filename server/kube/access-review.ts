import "server-only";
import type { V1ResourceRule } from "@kubernetes/client-node";
import { VERBS, type Verb } from "@/lib/api/permissions";
import type { UserKubeClients } from "./client";
import { toKubeError } from "./errors";

/**
 * What the user may do with one resource in one namespace, asked of the apiserver as the user:
 * one SelfSubjectRulesReview for the namespace (batched, not one review per button), and a
 * SelfSubjectAccessReview only for the verbs the rules do not grant when the rules are
 * incomplete (an authorizer that cannot list rules).
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/authorization/#checking-api-access
 */

export interface ResourceRef {
  group: string;
  /** Plural resource name, e.g. `mysqlclusters`. */
  resource: string;
}

const matches = (values: string[] | undefined, wanted: string) =>
  (values ?? []).some((v) => v === "*" || v === wanted);

/**
 * Whether RBAC rules grant `verb` on every object of `ref` (rules limited to resourceNames do
 * not count: they cannot create or list).
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources
 */
export function rulesAllow(rules: V1ResourceRule[], ref: ResourceRef, verb: Verb): boolean {
  return rules.some(
    (rule) =>
      matches(rule.verbs, verb) &&
      matches(rule.apiGroups, ref.group) &&
      matches(rule.resources, ref.resource) &&
      (rule.resourceNames ?? []).length === 0,
  );
}

/**
 * Every verb's decision for `ref` in `namespace`, as the user of `kube`.
 *
 * @returns allowed per verb.
 * @throws KubeApiError or KubeConnectionError when a review itself fails.
 */
export async function reviewAccess(
  kube: UserKubeClients,
  namespace: string,
  ref: ResourceRef,
): Promise<Record<Verb, boolean>> {
  let rules: V1ResourceRule[];
  let incomplete: boolean;
  try {
    const review = await kube.authorization.createSelfSubjectRulesReview({
      body: {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SelfSubjectRulesReview",
        spec: { namespace },
      },
    });
    rules = review.status?.resourceRules ?? [];
    incomplete = review.status?.incomplete ?? true;
  } catch (err) {
    throw toKubeError(err, { namespace });
  }
  const entries = await Promise.all(
    VERBS.map(async (verb): Promise<[Verb, boolean]> => {
      if (rulesAllow(rules, ref, verb)) return [verb, true];
      if (!incomplete) return [verb, false];
      return [verb, await accessReview(kube, namespace, ref, verb)];
    }),
  );
  return Object.fromEntries(entries) as Record<Verb, boolean>;
}

/**
 * One SelfSubjectAccessReview.
 *
 * @throws KubeApiError or KubeConnectionError.
 */
async function accessReview(
  kube: UserKubeClients,
  namespace: string,
  ref: ResourceRef,
  verb: Verb,
): Promise<boolean> {
  try {
    const review = await kube.authorization.createSelfSubjectAccessReview({
      body: {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SelfSubjectAccessReview",
        spec: { resourceAttributes: { namespace, verb, group: ref.group, resource: ref.resource } },
      },
    });
    return review.status?.allowed === true;
  } catch (err) {
    throw toKubeError(err, { namespace });
  }
}
