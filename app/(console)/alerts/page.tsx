import { AlertsView } from "@/components/alerts/alerts-view";
import { ALL_NAMESPACES_PARAM } from "@/components/resources/list-query";
import { consolePage } from "@/server/console";

export const metadata = { title: "Alerts" };

/**
 * `/alerts?namespace=ns`: alerts from conditions, Warning Events and Alertmanager of `ns`;
 * `?namespace=*`: of every namespace the user may see.
 */
export default async function AlertsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { namespace: param } = await searchParams;
  const all = param === ALL_NAMESPACES_PARAM;
  const query = typeof param === "string" ? `?namespace=${encodeURIComponent(param)}` : "";
  const { namespace } = await consolePage(`/alerts${query}`, all ? undefined : param);
  const shown = all ? "" : namespace;
  return <AlertsView key={shown} namespace={shown} />;
}
