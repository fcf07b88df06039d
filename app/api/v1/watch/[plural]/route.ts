import { watchHandler } from "@/server/api/watch";

// A long-lived stream: never cached, never prerendered, Node.js runtime (client-node, undici).
export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** `GET /api/v1/watch/{plural}`: see `server/api/watch.ts`. */
export async function GET(
  request: Request,
  context: { params: Promise<{ plural: string }> },
): Promise<Response> {
  const { plural } = await context.params;
  return watchHandler(request, plural);
}
