"use client";

import { useEffect, useState } from "react";
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
 * typed name is none of them (see {@link clusterRefHint}), only after reading the list again
 * for that name (it says nothing of it meanwhile); the API refuses such a name with 422 on the field, and the
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
  const { refetch } = query;
  // The unknown name the list was last read again for: a list read before a name was typed may
  // predate a cluster created since, so each unknown name gets one fresh read before the claim.
  const [checkedFor, setCheckedFor] = useState<string | null>(null);
  const checking = unknown && checkedFor !== typed;
  useEffect(() => {
    if (!checking) return;
    const timer = setTimeout(() => {
      void refetch().then(() => setCheckedFor(typed));
    }, TYPING_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [checking, typed, refetch]);
  const kind = plural === "mysqlclusters" ? "MySQLCluster" : "KafkaCluster";
  // While the list is read again, claim nothing: the schema's description is shown.
  const known = checking ? undefined : names;
  return <StringField {...field} hint={clusterRefHint(kind, namespace, text(value), known)} />;
}
