import "server-only";
import type { V1ResourceRule } from "@kubernetes/client-node";
import type { Verb } from "@/lib/api/permissions";
import type { UserKubeClients } from "./client";
import { toKubeError } from "./errors";

/**
 * What the user may do in one namespace, asked of the apiserver as the user: ONE
 * SelfSubjectRulesReview for the namespace answers every (resource, verb) the UI needs (batched,
 * not one review per button), and a SelfSubjectAccessReview is sent only for a check the rules
 * do not grant when the apiserver says its rules are incomplete (an authorizer that cannot list
 * rules, e.g. a webhook).
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/authorization/#checking-api-access
 */

export interface ResourceRef {
  group: string;
  /** Plural resource name, e.g. `mysqlclusters`. */
  resource: string;
}

/** One question: may the user `verb` every object of `resource`? */
export interface AccessCheck extends ResourceRef {
  verb: Verb;
}

/** The user's rules in one namespace, as the apiserver reports them. */
export interface NamespaceRules {
  rules: V1ResourceRule[];
  /** True when the authorizer could not list every rule (RBAC alone never is). */
  incomplete: boolean;
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
 * The user's rules in `namespace`: one SelfSubjectRulesReview.
 *
 * @throws KubeApiError or KubeConnectionError when the review fails.
 */
export async function rulesReview(
  kube: UserKubeClients,
  namespace: string,
): Promise<NamespaceRules> {
  try {
    const review = await kube.authorization.createSelfSubjectRulesReview({
      body: {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SelfSubjectRulesReview",
        spec: { namespace },
      },
    });
    return {
      rules: review.status?.resourceRules ?? [],
      incomplete: review.status?.incomplete ?? true,
    };
  } catch (err) {
    throw toKubeError(err, { namespace });
  }
}

/**
 * Answers every check in `namespace` from one rules review (plus access reviews only for the
 * checks incomplete rules leave open, each distinct check asked once).
 *
 * @returns allowed per check, in the order of `checks`.
 * @throws KubeApiError or KubeConnectionError when a review itself fails.
 */
export async function reviewChecks(
  kube: UserKubeClients,
  namespace: string,
  checks: readonly AccessCheck[],
): Promise<boolean[]> {
  const { rules, incomplete } = await rulesReview(kube, namespace);
  const asked = new Map<string, Promise<boolean>>();
  return Promise.all(
    checks.map(async (check) => {
      if (rulesAllow(rules, check, check.verb)) return true;
      if (!incomplete) return false;
      const key = `${check.group}/${check.resource}/${check.verb}`;
      let answer = asked.get(key);
      if (!answer) {
        answer = accessReview(kube, namespace, check);
        asked.set(key, answer);
      }
      return answer;
    }),
  );
}

/**
 * One SelfSubjectAccessReview; `namespace` "" asks about a cluster-scoped resource.
 *
 * @throws KubeApiError or KubeConnectionError.
 */
export async function accessReview(
  kube: UserKubeClients,
  namespace: string,
  check: AccessCheck,
): Promise<boolean> {
  try {
    const review = await kube.authorization.createSelfSubjectAccessReview({
      body: {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SelfSubjectAccessReview",
        spec: {
          resourceAttributes: {
            ...(namespace ? { namespace } : {}),
            verb: check.verb,
            group: check.group,
            resource: check.resource,
          },
        },
      },
    });
    return review.status?.allowed === true;
  } catch (err) {
    throw toKubeError(err, { namespace });
  }
}
