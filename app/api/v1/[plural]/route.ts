import { resourceRoute } from "@/server/api/resource-context";
import { listHandler } from "@/server/api/resources";

export const dynamic = "force-dynamic";

/** `GET /api/v1/{plural}[?namespace=ns]`: list (see lib/api/kinds.ts). */
export const GET = resourceRoute(listHandler, { mutating: false });
