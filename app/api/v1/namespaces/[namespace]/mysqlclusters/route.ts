import { createMySQLClusterHandler } from "@/server/api/mysql-clusters";

export const dynamic = "force-dynamic";

export async function POST(
  request: Request,
  context: { params: Promise<{ namespace: string }> },
): Promise<Response> {
  return createMySQLClusterHandler(request, await context.params);
}
