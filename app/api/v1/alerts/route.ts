import { alertsHandler } from "@/server/api/alerts";

export const dynamic = "force-dynamic";

export function GET(request: Request): Promise<Response> {
  return alertsHandler(request);
}
