import { podsHandler } from "@/server/api/related";
import { relatedGet, type RelatedParams } from "@/server/api/related-route";
import { unsupportedMethod } from "@/server/api/resource-context";

export const dynamic = "force-dynamic";

/** `GET /api/v1/namespaces/{namespace}/{plural}/{name}/pods`: see `server/api/related.ts`. */
export const GET = relatedGet(podsHandler);
/** Other methods: JSON 404 for an unknown plural, else JSON 405. */
export const POST = unsupportedMethod<RelatedParams>(["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
