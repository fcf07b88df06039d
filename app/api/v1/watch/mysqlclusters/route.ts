import { watchMySQLClustersHandler } from "@/server/api/watch";

// A long-lived stream: never cached, never prerendered, Node.js runtime (client-node, undici).
export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export function GET(request: Request): Promise<Response> {
  return watchMySQLClustersHandler(request);
}
