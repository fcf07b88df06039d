import { resourceRoute, unsupportedMethod } from "@/server/api/resource-context";
import { createHandler } from "@/server/api/resources";

export const dynamic = "force-dynamic";

/** `POST /api/v1/namespaces/{namespace}/{plural}[?dryRun=All]`: create. */
export const POST = resourceRoute(createHandler, { mutating: true });
/**
 * Other methods (list with `GET /api/v1/{plural}?namespace=`): JSON 404 for an unknown plural,
 * else JSON 405.
 */
export const GET = unsupportedMethod<{ namespace: string; plural: string }>(
  ["POST"],
  undefined,
  ({ namespace, plural }, method) =>
    method === "GET"
      ? `To list, GET /api/v1/${plural}?namespace=${encodeURIComponent(namespace)}.`
      : undefined,
);
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
