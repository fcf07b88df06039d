import { listMySQLClustersHandler } from "@/server/api/mysql-clusters";

export const dynamic = "force-dynamic";

export function GET(request: Request): Promise<Response> {
  return listMySQLClustersHandler(request);
}
