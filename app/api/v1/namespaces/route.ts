import { namespacesHandler } from "@/server/api/permissions";

export const dynamic = "force-dynamic";

/** `GET /api/v1/namespaces`: the namespaces the signed-in user may see. */
export async function GET(request: Request): Promise<Response> {
  return namespacesHandler(request);
}
