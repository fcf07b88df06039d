import { notFound } from "next/navigation";
import { ClusterDetailView } from "@/components/mysql-clusters/cluster-detail";
import { Dns1123LabelSchema } from "@/lib/crds/common";
import { consolePage } from "@/server/console";

export default async function MySQLClusterPage({
  params,
}: {
  params: Promise<{ namespace: string; name: string }>;
}) {
  const { namespace, name } = await params;
  await consolePage(`/mysqlclusters/${namespace}/${name}`);
  const valid =
    Dns1123LabelSchema.safeParse(namespace).success && Dns1123LabelSchema.safeParse(name).success;
  if (!valid) notFound();
  return <ClusterDetailView namespace={namespace} name={name} />;
}
