import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { NewResourceForm } from "@/components/forms/resource-form-pages";
import { kindByPlural } from "@/lib/api/kinds";
import { consolePage } from "@/server/console";
import { kindLabel } from "@/components/forms/resource-document";

interface Props {
  params: Promise<{ plural: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const kind = kindByPlural((await params).plural);
  return { title: kind ? `Create ${kindLabel(kind)}` : "Not found" };
}

/** `/{plural}/new?namespace=ns`: the create form of any kind, generated from its CRD schema. */
export default async function NewResourcePage({ params, searchParams }: Props) {
  const { plural } = await params;
  const kind = kindByPlural(plural);
  if (!kind) notFound();
  const { namespace: param } = await searchParams;
  const query = typeof param === "string" ? `?namespace=${encodeURIComponent(param)}` : "";
  const { namespace } = await consolePage(`/${kind.plural}/new${query}`, param);
  return <NewResourceForm plural={kind.plural} namespace={namespace} />;
}
