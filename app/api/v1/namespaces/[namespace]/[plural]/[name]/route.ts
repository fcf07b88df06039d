import { resourceRoute, unsupportedMethod } from "@/server/api/resource-context";
import { deleteHandler, getHandler, updateHandler } from "@/server/api/resources";

export const dynamic = "force-dynamic";

/** `GET /api/v1/namespaces/{namespace}/{plural}/{name}`. */
export const GET = resourceRoute(getHandler, { mutating: false });
/** `PUT /api/v1/namespaces/{namespace}/{plural}/{name}[?dryRun=All]`: update. */
export const PUT = resourceRoute(updateHandler, { mutating: true });
/** `DELETE /api/v1/namespaces/{namespace}/{plural}/{name}`. */
export const DELETE = resourceRoute(deleteHandler, { mutating: true });
/** Other methods: JSON 404 for an unknown plural, else JSON 405. */
export const POST = unsupportedMethod<{ namespace: string; plural: string; name: string }>([
  "GET",
  "PUT",
  "DELETE",
]);
export const PATCH = POST;
