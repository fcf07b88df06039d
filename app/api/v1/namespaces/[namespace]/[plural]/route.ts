import { resourceRoute } from "@/server/api/resource-context";
import { createHandler } from "@/server/api/resources";

export const dynamic = "force-dynamic";

/** `POST /api/v1/namespaces/{namespace}/{plural}[?dryRun=All]`: create. */
export const POST = resourceRoute(createHandler, { mutating: true });
