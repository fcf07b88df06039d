import { openApiHandler } from "@/server/api/openapi";

export const dynamic = "force-dynamic";

/**
 * `GET /api/v1/openapi.json`: the OpenAPI 3.1 document of the REST API. Served without a
 * session: it describes the API and holds no data (cache-able, see `openApiHandler`).
 */
export function GET(): Response {
  return openApiHandler();
}
