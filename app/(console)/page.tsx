import { OverviewView } from "@/components/overview/overview";
import { consolePage } from "@/server/console";

export const metadata = { title: "Overview" };

/** `/?namespace=ns`: every cluster of both services with health, alerts and last backup. */
export default async function OverviewPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { namespace: param } = await searchParams;
  const query = typeof param === "string" ? `?namespace=${encodeURIComponent(param)}` : "";
  const { namespace } = await consolePage(`/${query}`, param);
  return <OverviewView key={namespace} namespace={namespace} />;
}
