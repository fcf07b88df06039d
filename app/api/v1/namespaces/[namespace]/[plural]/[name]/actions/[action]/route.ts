import { actionHandler } from "@/server/api/actions";
import { resourceRoute, unsupportedMethod } from "@/server/api/resource-context";

export const dynamic = "force-dynamic";

/** `POST /api/v1/namespaces/{namespace}/{plural}/{name}/actions/{action}`. */
export const POST = resourceRoute(actionHandler, { mutating: true });
/** Other methods: JSON 404 for an unknown plural, else JSON 405. */
export const GET = unsupportedMethod<{
  namespace: string;
  plural: string;
  name: string;
  action: string;
}>(["POST"]);
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
