import { permissionsHandler } from "@/server/api/permissions";

export const dynamic = "force-dynamic";

export async function GET(
  request: Request,
  context: { params: Promise<{ namespace: string }> },
): Promise<Response> {
  return permissionsHandler(request, await context.params);
}
