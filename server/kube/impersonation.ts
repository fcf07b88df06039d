import "server-only";
import type { Dispatcher } from "undici";
import type { UserIdentity } from "../auth/identity";

/**
 * Impersonation headers as a flat list of `name, value` pairs, with one `Impersonate-Group`
 * header per group.
 *
 * Kubernetes reads each `Impersonate-Group` header line as one group. fetch's `Headers` merges
 * repeated names into a single comma-joined line (`a, b`), which the apiserver takes for ONE
 * group named `a, b` — a user whose rights come from any group but the only one would be refused.
 * So the headers are added below fetch, at the undici dispatcher, where a list of pairs is written
 * to the wire line by line.
 *
 * `system:authenticated` is not sent: the apiserver adds it to every impersonated non-anonymous
 * user (k8s.io/apiserver `WithImpersonation`).
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation
 */
export function impersonationHeaderPairs(identity: Pick<UserIdentity, "username" | "groups">) {
  const pairs: string[] = ["Impersonate-User", identity.username];
  for (const group of identity.groups) pairs.push("Impersonate-Group", group);
  return pairs;
}

type DispatchHeaders = Dispatcher.DispatchOptions["headers"];

/**
 * Normalizes undici's accepted header shapes (object, flat array, iterable of pairs) into a flat
 * `name, value` list, dropping every `Impersonate-*` header so that no caller can add its own.
 */
export function headerPairsWithoutImpersonation(headers: DispatchHeaders): string[] {
  const pairs: string[] = [];
  const add = (name: string, value: string | string[] | number | undefined | null) => {
    if (value === undefined || value === null) return;
    if (name.toLowerCase().startsWith("impersonate-")) return;
    for (const v of Array.isArray(value) ? value : [value]) pairs.push(name, String(v));
  };
  if (headers === undefined || headers === null) return pairs;
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) add(String(headers[i]), headers[i + 1]);
  } else if (Symbol.iterator in headers) {
    for (const [name, value] of headers as Iterable<[string, string | string[] | undefined]>) {
      add(name, value);
    }
  } else {
    for (const [name, value] of Object.entries(headers)) add(name, value);
  }
  return pairs;
}

/**
 * An undici interceptor that makes every request through it act as `identity`: it removes any
 * `Impersonate-*` header the request carries and adds `Impersonate-User` and one
 * `Impersonate-Group` line per group.
 *
 * @see https://github.com/nodejs/undici/blob/main/docs/docs/api/Dispatcher.md#dispatchercomposeinterceptors-interceptor
 */
export function impersonationInterceptor(
  identity: Pick<UserIdentity, "username" | "groups">,
): Dispatcher.DispatcherComposeInterceptor {
  const impersonation = impersonationHeaderPairs(identity);
  return (dispatch) => (opts, handler) =>
    dispatch(
      { ...opts, headers: [...headerPairsWithoutImpersonation(opts.headers), ...impersonation] },
      handler,
    );
}
