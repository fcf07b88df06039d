import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ResourceDetailView } from "@/components/resources/resource-detail";
import { kindTitle, ResourceSchema } from "@/components/resources/model";
import { kindByPlural, type KindInfo, type KindPlural } from "@/lib/api/kinds";
import { OBJECT_NAME_SCHEMAS } from "@/lib/api/requests";
import { Dns1123LabelSchema } from "@/lib/crds/common";
import { findResourceForPage } from "@/server/api/related";
import { consolePage } from "@/server/console";

interface Props {
  params: Promise<{ plural: string; namespace: string; name: string }>;
}

/** Whether the URL's names can name an object of the kind at all. */
function validPath(kind: KindInfo | undefined, namespace: string, name: string): kind is KindInfo {
  if (!kind) return false;
  const nameSchema = OBJECT_NAME_SCHEMAS[kind.plural as keyof typeof OBJECT_NAME_SCHEMAS];
  return (
    Dns1123LabelSchema.safeParse(namespace).success &&
    (nameSchema?.safeParse(name).success ?? false)
  );
}

/** "<name> · MySQL cluster · Pilothouse" (the root layout adds the product). */
export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { plural, namespace, name } = await params;
  const kind = kindByPlural(plural);
  return {
    title: validPath(kind, namespace, name) ? `${name} · ${kindTitle(kind).one}` : "Not found",
  };
}

/** `/{plural}/{namespace}/{name}`: one object with its status, related objects and actions. */
export default async function ResourceDetailPage({ params }: Props) {
  const { plural, namespace, name } = await params;
  const { user } = await consolePage(
    `/${plural}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`,
  );
  const kind = kindByPlural(plural);
  if (!validPath(kind, namespace, name)) notFound();
  const raw = await findResourceForPage(user, kind, namespace, name);
  if (raw === null) notFound();
  const initial = raw === undefined ? undefined : ResourceSchema.safeParse(raw).data;
  return (
    <ResourceDetailView
      plural={kind.plural as KindPlural}
      namespace={namespace}
      name={name}
      initial={initial}
    />
  );
}
