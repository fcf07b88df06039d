import { kindByPlural } from "@/lib/api/kinds";
import { unsupportedMethod } from "@/server/api/resource-context";

/** Route parameters of `/api/v1/namespaces/{namespace}/{plural}/{name}/...` sub-resources. */
export type RelatedParams = { namespace: string; plural: string; name: string };

/**
 * The `GET` handler of a read-only sub-resource route (`.../{name}/events`, `.../{name}/pods`):
 * answers through `handler` once the plural is known; an unknown plural gets the API's one
 * JSON 404 naming the known plurals (after the guard, as on every other method).
 */
export function relatedGet(
  handler: (request: Request, params: RelatedParams) => Promise<Response>,
): (request: Request, context: { params: Promise<RelatedParams> }) => Promise<Response> {
  const unknownPlural = unsupportedMethod<RelatedParams>(["GET"]);
  return async (request, context) => {
    const params = await context.params;
    if (!kindByPlural(params.plural)) return unknownPlural(request, context);
    return handler(request, params);
  };
}
