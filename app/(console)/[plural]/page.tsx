import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ALL_NAMESPACES_PARAM } from "@/components/resources/list-query";
import { ResourceListView } from "@/components/resources/resource-list";
import { kindTitle } from "@/components/resources/model";
import { kindByPlural, type KindPlural } from "@/lib/api/kinds";
import { consolePage } from "@/server/console";

interface Props {
  params: Promise<{ plural: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const kind = kindByPlural((await params).plural);
  return { title: kind ? kindTitle(kind).plural : "Not found" };
}

/**
 * `/{plural}?namespace=ns`: the objects of one kind in a namespace, live; `?namespace=*`: in
 * every namespace the user may see.
 */
export default async function ResourceListPage({ params, searchParams }: Props) {
  const { plural } = await params;
  const kind = kindByPlural(plural);
  const { namespace: param } = await searchParams;
  const query = typeof param === "string" ? `?namespace=${encodeURIComponent(param)}` : "";
  const all = param === ALL_NAMESPACES_PARAM;
  const context = await consolePage(`/${plural}${query}`, all ? undefined : param);
  if (!kind) notFound();
  const namespace = all ? "" : context.namespace;
  const { refusedNamespace } = context;
  return (
    <ResourceListView
      key={`${kind.plural}/${namespace}`}
      plural={kind.plural as KindPlural}
      namespace={namespace}
      refusedNamespace={refusedNamespace}
    />
  );
}
