"use client";

import { useEffect, useRef } from "react";
import { at } from "../resources/model";
import { useResourceList } from "../resources/use-resources";
import { clusterRefHint } from "./cluster-ref-hint";
import { useField, useResourceForm } from "./form-context";
import { StringField, type FieldProps } from "./scalar-fields";

const text = (value: unknown) => (typeof value === "string" ? value : "");

/** How long typing must pause (ms) before an unknown name makes the list be read again. */
const TYPING_PAUSE_MS = 400;

/**
 * A field that names a cluster in the form's namespace (`plural` `mysqlclusters` or
 * `kafkaclusters`): a text input whose hint lists the clusters there and says at once when the
 * typed name is none of them (see {@link clusterRefHint}), after reading the list again if it
 * was read before the name was typed; the API refuses such a name with 422 on the field, and the
 * operator would only fail it later.
 */
export function ClusterRefField(props: FieldProps & { plural: "mysqlclusters" | "kafkaclusters" }) {
  const { plural, ...field } = props;
  const { value, readOnly } = useField(field.path);
  const { document } = useResourceForm();
  const namespace = text(at(document, ["metadata", "namespace"]));
  const { query } = useResourceList(plural, namespace, {
    watch: false,
    enabled: namespace !== "" && !readOnly,
  });
  const names = query.data?.items.map((c) => c.metadata.name);
  const typed = text(value).trim();
  const unknown = names !== undefined && typed !== "" && !names.includes(typed);
  const { refetch, dataUpdatedAt } = query;
  const typedAt = useRef(0);
  useEffect(() => {
    typedAt.current = Date.now();
  }, [typed]);
  useEffect(() => {
    // A name not in a list read before it was typed may be a cluster created since: read the
    // list again (once the typing pauses) before saying it does not exist.
    if (!unknown || dataUpdatedAt >= typedAt.current) return;
    const timer = setTimeout(() => void refetch(), TYPING_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [unknown, typed, dataUpdatedAt, refetch]);
  const kind = plural === "mysqlclusters" ? "MySQLCluster" : "KafkaCluster";
  return <StringField {...field} hint={clusterRefHint(kind, namespace, text(value), names)} />;
}
