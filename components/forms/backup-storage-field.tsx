"use client";

import { FormGroup, FormSelect, FormSelectOption } from "@patternfly/react-core";
import { z } from "zod";
import { ApiRequestError } from "../api/fetch-json";
import { at } from "../resources/model";
import { useResourceList } from "../resources/use-resources";
import { FieldHelp, helpIdOf, useField, useResourceForm } from "./form-context";
import type { FieldProps } from "./scalar-fields";
import { StringField } from "./scalar-fields";

const StoragesSchema = z.array(z.object({ name: z.string() }));
const text = (value: unknown) => (typeof value === "string" ? value : "");

/**
 * A MySQLBackup's `spec.storageName`, as a select of the storages its cluster
 * (`spec.clusterName`, same namespace) names in `spec.backup.storages`: a name the cluster lacks
 * would only fail the run in the operator (the API refuses it with 422 too). Says so when the
 * cluster does not exist or has no storage; falls back to a text input when the user may not
 * read the cluster.
 */
export function BackupStorageField(props: FieldProps) {
  const { path, label, required } = props;
  const field = useField(path);
  const { document } = useResourceForm();
  const namespace = text(at(document, ["metadata", "namespace"]));
  const clusterName = text(at(document, ["spec", "clusterName"]));
  // The namespace's clusters, read once (not one read per keystroke of the cluster's name).
  const { query: clusters } = useResourceList("mysqlclusters", namespace, {
    watch: false,
    enabled: namespace !== "",
  });
  const forbidden = clusters.error instanceof ApiRequestError && clusters.error.status === 403;
  // An existing backup's spec is immutable: its storage is shown as it is.
  if (forbidden || field.readOnly) return <StringField {...props} />;

  const cluster = clusters.data?.items.find((c) => c.metadata.name === clusterName);
  const parsed = StoragesSchema.safeParse(at(cluster, ["spec", "backup", "storages"]));
  const storages = cluster && parsed.success ? parsed.data.map((s) => s.name) : [];
  const value = text(field.value);
  let hint: string;
  if (clusterName === "") hint = "Choose the cluster first: its backup storages are offered here.";
  else if (clusters.isPending) hint = `Reading the backup storages of ${clusterName}…`;
  else if (clusters.error)
    hint = `The storages of ${clusterName} could not be read: ${clusters.error.message}`;
  else if (!cluster) hint = `MySQLCluster ${clusterName} does not exist in namespace ${namespace}.`;
  else if (storages.length === 0)
    hint = `MySQLCluster ${clusterName} has no backup storage: add one to its spec.backup.storages first.`;
  else hint = `One of the backup storages of ${clusterName} (spec.backup.storages).`;
  const shown = field.error ?? hint;
  return (
    <FormGroup label={label} isRequired={required} fieldId={field.id}>
      <FormSelect
        id={field.id}
        name={field.id}
        value={storages.includes(value) ? value : ""}
        onChange={(_event, next) => field.set(next === "" ? undefined : next)}
        isDisabled={field.readOnly || storages.length === 0}
        isRequired={required}
        aria-required={required}
        aria-describedby={helpIdOf(field.id, Boolean(shown))}
        validated={field.error ? "error" : "default"}
        aria-invalid={field.error ? true : undefined}
        data-testid="backup-storage-select"
      >
        <FormSelectOption value="" label="— choose a storage —" />
        {storages.map((name) => (
          <FormSelectOption key={name} value={name} label={name} />
        ))}
      </FormSelect>
      <FieldHelp id={field.id} error={field.error} hint={hint} />
    </FormGroup>
  );
}
