import { OverviewView } from "@/components/overview/overview";
import { ALL_NAMESPACES_PARAM } from "@/components/resources/list-query";
import { consolePage } from "@/server/console";

export const metadata = { title: "Overview" };

/**
 * `/[?namespace=ns]`: every cluster of both services with health, alerts and last backup; in
 * every namespace the user may see by default (or with `?namespace=*`), else in `ns`.
 */
export default async function OverviewPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { namespace: param } = await searchParams;
  const all = param === undefined || param === ALL_NAMESPACES_PARAM;
  const query = typeof param === "string" ? `?namespace=${encodeURIComponent(param)}` : "";
  const { namespace } = await consolePage(`/${query}`, all ? undefined : param);
  const shown = all ? "" : namespace;
  return <OverviewView key={shown} namespace={shown} />;
}
