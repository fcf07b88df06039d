import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ClusterDetailView } from "@/components/mysql-clusters/cluster-detail";
import { Dns1123LabelSchema } from "@/lib/crds/common";
import { MySQLClusterNameSchema } from "@/lib/crds/mysql-cluster";
import { consolePage, findMySQLCluster } from "@/server/console";

interface Props {
  params: Promise<{ namespace: string; name: string }>;
}

/** Whether the URL's names can name a MySQLCluster at all. */
const validPath = (namespace: string, name: string) =>
  Dns1123LabelSchema.safeParse(namespace).success && MySQLClusterNameSchema.safeParse(name).success;

/** "<name> · MySQL cluster · Pilothouse" (the root layout adds the product). */
export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { namespace, name } = await params;
  return { title: validPath(namespace, name) ? `${name} · MySQL cluster` : "Not found" };
}

export default async function MySQLClusterPage({ params }: Props) {
  const { namespace, name } = await params;
  const { user } = await consolePage(
    `/mysqlclusters/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`,
  );
  if (!validPath(namespace, name)) notFound();
  const cluster = await findMySQLCluster(user, namespace, name);
  if (cluster === null) notFound();
  return <ClusterDetailView namespace={namespace} name={name} initial={cluster} />;
}
