import { guardRequest } from "@/server/api/guard";
import { openApiHandler } from "@/server/api/openapi";

export const dynamic = "force-dynamic";

/** `GET /api/v1/openapi.json`: the OpenAPI 3.1 document of the REST API. */
export async function GET(request: Request): Promise<Response> {
  const guard = await guardRequest(request, { mutating: false });
  if (!guard.ok) return guard.response;
  return openApiHandler();
}
