import { ClusterListView } from "@/components/mysql-clusters/cluster-list";
import { consolePage } from "@/server/console";

export const metadata = { title: "MySQL clusters" };

export default async function MySQLClustersPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { namespace: param } = await searchParams;
  const query = typeof param === "string" ? `?namespace=${encodeURIComponent(param)}` : "";
  const { namespace, refusedNamespace } = await consolePage(`/mysqlclusters${query}`, param);
  return (
    <ClusterListView key={namespace} namespace={namespace} refusedNamespace={refusedNamespace} />
  );
}
