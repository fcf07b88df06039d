import { kindByPlural } from "@/lib/api/kinds";
import { unsupportedMethod } from "@/server/api/resource-context";
import { podsHandler } from "@/server/api/related";

export const dynamic = "force-dynamic";

type Params = { namespace: string; plural: string; name: string };

/** `GET /api/v1/namespaces/{namespace}/{plural}/{name}/pods`: see `server/api/related.ts`. */
export async function GET(
  request: Request,
  context: { params: Promise<Params> },
): Promise<Response> {
  const params = await context.params;
  // An unknown plural: the API's one 404 (after the guard), naming the known plurals.
  if (!kindByPlural(params.plural)) return POST(request, context);
  return podsHandler(request, params);
}
/** Other methods: JSON 404 for an unknown plural, else JSON 405. */
export const POST = unsupportedMethod<Params>(["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
