"use client";

import {
  Checkbox,
  FormGroup,
  FormSelect,
  FormSelectOption,
  TextInput,
} from "@patternfly/react-core";
import { useState } from "react";
import { hintOf } from "./field-hint";
import { FieldHelp, helpIdOf, useField } from "./form-context";
import type { FieldPath } from "./object-path";
import type { SchemaNode } from "./schema-node";

/** What every field component receives from the schema walker. */
export interface FieldProps {
  path: FieldPath;
  node: SchemaNode;
  label: string;
  required: boolean;
}

/** What an empty input stands for: the CRD default the apiserver fills in, `3 (default)`. */
const defaultPlaceholder = (node: SchemaNode) =>
  typeof node.default === "string" || typeof node.default === "number"
    ? `${node.default} (default)`
    : undefined;

const invalidProps = (error: string | undefined) => ({
  validated: error ? ("error" as const) : ("default" as const),
  "aria-invalid": error ? true : undefined,
});

/**
 * A string: an empty input removes the key (an unset optional field), except for a required
 * field, which keeps `""` so the validator names it.
 *
 * @param hint - words under the field instead of the schema's description (a read-only
 *   field's reason still wins).
 */
export function StringField({
  path,
  node,
  label,
  required,
  hint: given,
}: FieldProps & { hint?: string }) {
  const field = useField(path);
  const hint = field.readOnlyReason || !given ? hintOf(node, field.readOnlyReason) : given;
  return (
    <FormGroup label={label} isRequired={required} fieldId={field.id}>
      <TextInput
        id={field.id}
        name={field.id}
        placeholder={defaultPlaceholder(node)}
        value={typeof field.value === "string" ? field.value : ""}
        onChange={(_event, value) => field.set(value === "" && !required ? undefined : value)}
        readOnlyVariant={field.readOnly ? "default" : undefined}
        isRequired={required}
        aria-required={required}
        aria-describedby={helpIdOf(field.id, Boolean(field.error ?? hint))}
        {...invalidProps(field.error)}
      />
      <FieldHelp id={field.id} error={field.error} hint={hint} />
    </FormGroup>
  );
}

const numberText = (value: unknown) =>
  typeof value === "number" && Number.isFinite(value) ? String(value) : "";

/**
 * An integer or number. The input keeps what the user typed while it does not parse (`1.`),
 * and follows the document when it changes elsewhere (the YAML view).
 */
export function NumberField({ path, node, label, required }: FieldProps) {
  const field = useField(path);
  // What the user typed, shown while it still means the document's value.
  const [draft, setDraft] = useState<string | null>(null);
  const matches =
    draft !== null &&
    (draft.trim() === "" ? field.value === undefined : Number(draft) === field.value);
  const text = matches ? draft : numberText(field.value);
  const hint = hintOf(node, field.readOnlyReason);
  return (
    <FormGroup label={label} isRequired={required} fieldId={field.id}>
      <TextInput
        id={field.id}
        name={field.id}
        type="number"
        step={node.type === "integer" ? 1 : "any"}
        placeholder={defaultPlaceholder(node)}
        value={text}
        onChange={(_event, value) => {
          setDraft(value);
          const parsed = Number(value);
          field.set(value.trim() === "" || Number.isNaN(parsed) ? undefined : parsed);
        }}
        readOnlyVariant={field.readOnly ? "default" : undefined}
        isRequired={required}
        aria-required={required}
        aria-describedby={helpIdOf(field.id, Boolean(field.error ?? hint))}
        {...invalidProps(field.error)}
      />
      <FieldHelp id={field.id} error={field.error} hint={hint} />
    </FormGroup>
  );
}

/**
 * `x-kubernetes-int-or-string` (e.g. `maxUnavailable: 1` or `"25%"`): one text input; what
 * reads as a whole number is sent as a number, anything else as a string.
 *
 * @see https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#int-or-string
 */
export function IntOrStringField({ path, node, label, required }: FieldProps) {
  const field = useField(path);
  const hint = [hintOf(node, field.readOnlyReason), "A whole number or a string."]
    .filter(Boolean)
    .join(" ");
  const text =
    typeof field.value === "number" || typeof field.value === "string" ? String(field.value) : "";
  return (
    <FormGroup label={label} isRequired={required} fieldId={field.id}>
      <TextInput
        id={field.id}
        name={field.id}
        value={text}
        onChange={(_event, value) =>
          field.set(value === "" ? undefined : /^-?\d{1,15}$/.test(value) ? Number(value) : value)
        }
        readOnlyVariant={field.readOnly ? "default" : undefined}
        isRequired={required}
        aria-required={required}
        aria-describedby={helpIdOf(field.id, true)}
        {...invalidProps(field.error)}
      />
      <FieldHelp id={field.id} error={field.error} hint={hint} />
    </FormGroup>
  );
}

/** A boolean, as a checkbox labelled with the field's name. */
export function BooleanField({ path, node, label }: FieldProps) {
  const field = useField(path);
  const hint = hintOf(node, field.readOnlyReason);
  return (
    <FormGroup fieldId={field.id}>
      <Checkbox
        id={field.id}
        name={field.id}
        label={label}
        // Unset shows the CRD default, the value the apiserver will store.
        isChecked={typeof field.value === "boolean" ? field.value : node.default === true}
        onChange={(_event, checked) => field.set(checked)}
        isDisabled={field.readOnly}
        aria-describedby={helpIdOf(field.id, Boolean(field.error ?? hint))}
        aria-invalid={field.error ? true : undefined}
      />
      <FieldHelp id={field.id} error={field.error} hint={hint} />
    </FormGroup>
  );
}

/** An enum, as a select; an optional one without a default can be left unset. */
export function EnumField({ path, node, label, required }: FieldProps) {
  const field = useField(path);
  const options = (node.enum ?? []).map(String);
  const unsettable = !required && node.default === undefined;
  const hint = hintOf(node, field.readOnlyReason);
  return (
    <FormGroup label={label} isRequired={required} fieldId={field.id}>
      <FormSelect
        id={field.id}
        name={field.id}
        value={
          typeof field.value === "string" || typeof field.value === "number"
            ? String(field.value)
            : ""
        }
        onChange={(_event, value) => {
          const chosen = (node.enum ?? []).find((option) => String(option) === value);
          field.set(value === "" ? undefined : chosen);
        }}
        isDisabled={field.readOnly}
        isRequired={required}
        aria-required={required}
        aria-describedby={helpIdOf(field.id, Boolean(field.error ?? hint))}
        {...invalidProps(field.error)}
      >
        {unsettable || field.value === undefined ? (
          <FormSelectOption value="" label="— not set —" />
        ) : null}
        {options.map((option) => (
          <FormSelectOption key={option} value={option} label={option} />
        ))}
      </FormSelect>
      <FieldHelp id={field.id} error={field.error} hint={hint} />
    </FormGroup>
  );
}
