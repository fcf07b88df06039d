"use client";

import { FormGroup, FormSelect, FormSelectOption } from "@patternfly/react-core";
import { ApiRequestError } from "../api/fetch-json";
import { at } from "../resources/model";
import { backupChoices } from "./backup-choices";
import { useResourceList } from "../resources/use-resources";
import { FieldHelp, helpIdOf, useField, useResourceForm } from "./form-context";
import type { FieldProps } from "./scalar-fields";
import { StringField } from "./scalar-fields";

const text = (value: unknown) => (typeof value === "string" ? value : "");

/**
 * A MySQLRestore's `spec.backupName`, as a select of the MySQLBackups in the form's namespace
 * (see {@link backupChoices}): a name with no backup would only be refused (422 on
 * `spec.backupName`). Says so when the namespace has none; falls back to a text input when the
 * user may not list backups, or for an existing restore (its spec is immutable).
 */
export function RestoreBackupField(props: FieldProps) {
  const { path, label, required } = props;
  const field = useField(path);
  const { document } = useResourceForm();
  const namespace = text(at(document, ["metadata", "namespace"]));
  const { query: backups } = useResourceList("mysqlbackups", namespace, {
    watch: false,
    enabled: namespace !== "",
  });
  const forbidden = backups.error instanceof ApiRequestError && backups.error.status === 403;
  if (forbidden || field.readOnly) return <StringField {...props} />;

  const choices = backupChoices(backups.data?.items ?? []);
  const value = text(field.value);
  const known = choices.some((c) => c.name === value);
  let hint: string;
  if (backups.isPending) hint = `Reading the backups of namespace ${namespace}…`;
  else if (backups.error) hint = `The backups could not be read: ${backups.error.message}`;
  else if (choices.length === 0) hint = `Namespace ${namespace} has no MySQLBackup to restore.`;
  else hint = `One of the MySQLBackups in namespace ${namespace}, newest first.`;
  return (
    <FormGroup label={label} isRequired={required} fieldId={field.id}>
      <FormSelect
        id={field.id}
        name={field.id}
        value={known ? value : ""}
        onChange={(_event, next) => field.set(next)}
        isDisabled={choices.length === 0}
        isRequired={required}
        aria-required={required}
        aria-describedby={helpIdOf(field.id, Boolean(field.error ?? hint))}
        validated={field.error ? "error" : "default"}
        aria-invalid={field.error ? true : undefined}
        data-testid="restore-backup-select"
      >
        <FormSelectOption value="" label="— choose a backup —" />
        {choices.map((choice) => (
          <FormSelectOption
            key={choice.name}
            value={choice.name}
            label={choice.refused ? `${choice.label} (${choice.refused})` : choice.label}
            isDisabled={choice.refused !== undefined}
          />
        ))}
      </FormSelect>
      <FieldHelp id={field.id} error={field.error} hint={hint} />
    </FormGroup>
  );
}
