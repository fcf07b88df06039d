"use client";

import { Bullseye, PageSection, Spinner } from "@patternfly/react-core";
import { useMemo } from "react";
import { kindByPlural, type KindInfo } from "@/lib/api/kinds";
import { ErrorPanel } from "../errors/error-panel";
import { editableDocument, newDocument } from "./resource-document";
import { ResourceForm } from "./resource-form";
import { useResourceObject } from "./use-resource-api";

/** The kind of a plural the page has already checked; throws for any other (a programming error). */
function kindOf(plural: string): KindInfo {
  const kind = kindByPlural(plural);
  if (!kind) throw new Error(`no kind with plural ${plural}`);
  return kind;
}

/** The create form of the kind `plural`, starting from the CRD's defaults. */
export function NewResourceForm({ plural, namespace }: { plural: string; namespace: string }) {
  const kind = kindOf(plural);
  const initial = useMemo(() => newDocument(kind, namespace), [kind, namespace]);
  return <ResourceForm kind={kind} mode="create" initial={initial} />;
}

/** The edit form of one object, once it is read: its spec and the metadata a user may set. */
export function EditResourceForm(props: { plural: string; namespace: string; name: string }) {
  const kind = kindOf(props.plural);
  const object = useResourceObject(kind, props.namespace, props.name);
  if (object.isPending) {
    return (
      <PageSection>
        <Bullseye>
          <Spinner aria-label={`Loading ${props.name}`} />
        </Bullseye>
      </PageSection>
    );
  }
  if (object.isError) {
    return (
      <PageSection>
        <ErrorPanel error={object.error} onRetry={() => void object.refetch()} />
      </PageSection>
    );
  }
  return <ResourceForm kind={kind} mode="update" initial={editableDocument(object.data)} />;
}
