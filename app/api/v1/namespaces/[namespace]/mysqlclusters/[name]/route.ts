import { getMySQLClusterHandler } from "@/server/api/mysql-clusters";

export const dynamic = "force-dynamic";

export async function GET(
  request: Request,
  context: { params: Promise<{ namespace: string; name: string }> },
): Promise<Response> {
  return getMySQLClusterHandler(request, await context.params);
}
