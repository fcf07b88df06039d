import { CreateClusterForm } from "@/components/mysql-clusters/create-form";
import { consolePage } from "@/server/console";

export const metadata = { title: "Create MySQL cluster" };

export default async function NewMySQLClusterPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { namespace: param } = await searchParams;
  const query = typeof param === "string" ? `?namespace=${encodeURIComponent(param)}` : "";
  const { namespace } = await consolePage(`/mysqlclusters/new${query}`, param);
  return <CreateClusterForm namespace={namespace} />;
}
