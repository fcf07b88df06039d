import { resourceRoute, unsupportedMethod } from "@/server/api/resource-context";
import { listHandler } from "@/server/api/resources";

export const dynamic = "force-dynamic";

/** `GET /api/v1/{plural}[?namespace=ns]`: list (see lib/api/kinds.ts). */
export const GET = resourceRoute(listHandler, { mutating: false });
/** Other methods: JSON 404 for an unknown plural, else JSON 405. */
export const POST = unsupportedMethod<{ plural: string }>(["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
