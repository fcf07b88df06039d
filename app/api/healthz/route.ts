import { getConfig } from "@/server/config";

export const dynamic = "force-dynamic";

/**
 * Liveness for start scripts and probes: 200 once the server runs with a valid configuration.
 * Unauthenticated on purpose; it reveals nothing.
 */
export function GET(): Response {
  getConfig();
  return Response.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
}
