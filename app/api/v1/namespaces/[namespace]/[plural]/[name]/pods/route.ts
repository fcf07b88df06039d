import { podsHandler } from "@/server/api/related";

export const dynamic = "force-dynamic";

export async function GET(
  request: Request,
  context: { params: Promise<{ namespace: string; plural: string; name: string }> },
): Promise<Response> {
  return podsHandler(request, await context.params);
}
