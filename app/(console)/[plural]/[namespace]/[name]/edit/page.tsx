import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { EditResourceForm } from "@/components/forms/resource-form-pages";
import { kindLabel } from "@/components/forms/resource-document";
import { kindByPlural } from "@/lib/api/kinds";
import { Dns1123LabelSchema } from "@/lib/crds/common";
import { consolePage } from "@/server/console";

interface Props {
  params: Promise<{ plural: string; namespace: string; name: string }>;
}

/** A name Kubernetes could have given an object: a DNS-1123 subdomain. */
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { plural, name } = await params;
  const kind = kindByPlural(plural);
  return { title: kind && NAME.test(name) ? `Edit ${name} · ${kindLabel(kind)}` : "Not found" };
}

/** `/{plural}/{namespace}/{name}/edit`: the edit form of one object of any kind. */
export default async function EditResourcePage({ params }: Props) {
  const { plural, namespace, name } = await params;
  const kind = kindByPlural(plural);
  await consolePage(
    `/${encodeURIComponent(plural)}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/edit`,
  );
  if (!kind || !Dns1123LabelSchema.safeParse(namespace).success || !NAME.test(name)) notFound();
  return <EditResourceForm plural={kind.plural} namespace={namespace} name={name} />;
}
