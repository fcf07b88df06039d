import { actionHandler } from "@/server/api/actions";
import { resourceRoute } from "@/server/api/resource-context";

export const dynamic = "force-dynamic";

/** `POST /api/v1/namespaces/{namespace}/{plural}/{name}/actions/{action}`. */
export const POST = resourceRoute(actionHandler, { mutating: true });
