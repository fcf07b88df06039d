import { AlertsView } from "@/components/alerts/alerts-view";
import { consolePage } from "@/server/console";

export const metadata = { title: "Alerts" };

/** `/alerts?namespace=ns`: alerts from conditions, Warning Events and Alertmanager. */
export default async function AlertsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { namespace: param } = await searchParams;
  const query = typeof param === "string" ? `?namespace=${encodeURIComponent(param)}` : "";
  const { namespace } = await consolePage(`/alerts${query}`, param);
  return <AlertsView key={namespace} namespace={namespace} />;
}
