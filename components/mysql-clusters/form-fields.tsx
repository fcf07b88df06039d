"use client";

import {
  FormGroup,
  FormHelperText,
  FormSelect,
  FormSelectOption,
  HelperText,
  HelperTextItem,
  TextInput,
} from "@patternfly/react-core";
import { Controller, type Control, type FieldPath, type FieldValues } from "react-hook-form";

interface FieldProps<T extends FieldValues> {
  control: Control<T>;
  name: FieldPath<T>;
  label: string;
  /** Shown under the field while it has no error. */
  hint?: string;
  isRequired?: boolean;
  isDisabled?: boolean;
}

/**
 * The field's error, or its hint, with the id its input names in `aria-describedby` (a live
 * region, so a new error is announced).
 */
function FieldHelp({ id, error, hint }: { id: string; error?: string; hint?: string }) {
  if (!error && !hint) return null;
  return (
    <FormHelperText>
      <HelperText isLiveRegion>
        <HelperTextItem id={id} variant={error ? "error" : "default"}>
          {error ?? hint}
        </HelperTextItem>
      </HelperText>
    </FormHelperText>
  );
}

const idOf = (name: string) => `field-${name.replace(/\./g, "-")}`;
/** The id of a field's helper text, or `undefined` when it shows none. */
const helpIdOf = (name: string, shown: boolean) => (shown ? `${idOf(name)}-help` : undefined);

/** A text (or number) input bound to react-hook-form, with its validation message. */
export function TextField<T extends FieldValues>(
  props: FieldProps<T> & { type?: "text" | "number"; onValueChange?: (value: string) => void },
) {
  const { control, name, label, hint, isRequired, isDisabled, type = "text" } = props;
  return (
    <Controller
      control={control}
      name={name}
      render={({ field, fieldState }) => (
        <FormGroup label={label} isRequired={isRequired} fieldId={idOf(name)}>
          <TextInput
            id={idOf(name)}
            name={name}
            type={type}
            value={
              typeof field.value === "number"
                ? Number.isNaN(field.value)
                  ? ""
                  : String(field.value)
                : typeof field.value === "string"
                  ? field.value
                  : ""
            }
            onChange={(_event, value) => {
              field.onChange(
                type === "number" ? (value === "" ? Number.NaN : Number(value)) : value,
              );
              props.onValueChange?.(value);
            }}
            onBlur={field.onBlur}
            ref={field.ref}
            validated={fieldState.error ? "error" : "default"}
            aria-invalid={fieldState.error ? true : undefined}
            isRequired={isRequired}
            isDisabled={isDisabled}
            aria-required={isRequired}
            aria-describedby={helpIdOf(name, Boolean(fieldState.error ?? hint))}
          />
          <FieldHelp id={`${idOf(name)}-help`} error={fieldState.error?.message} hint={hint} />
        </FormGroup>
      )}
    />
  );
}

/** A select bound to react-hook-form. */
export function SelectField<T extends FieldValues>(
  props: FieldProps<T> & {
    options: { value: string; label: string }[];
    onValueChange?: (value: string) => void;
  },
) {
  const { control, name, label, hint, isRequired, options } = props;
  return (
    <Controller
      control={control}
      name={name}
      render={({ field, fieldState }) => (
        <FormGroup label={label} isRequired={isRequired} fieldId={idOf(name)}>
          <FormSelect
            id={idOf(name)}
            name={name}
            value={typeof field.value === "string" ? field.value : ""}
            onChange={(_event, value) => {
              field.onChange(value);
              props.onValueChange?.(value);
            }}
            onBlur={field.onBlur}
            validated={fieldState.error ? "error" : "default"}
            aria-invalid={fieldState.error ? true : undefined}
            isRequired={isRequired}
            aria-required={isRequired}
            aria-describedby={helpIdOf(name, Boolean(fieldState.error ?? hint))}
          >
            {options.map((o) => (
              <FormSelectOption key={o.value} value={o.value} label={o.label} />
            ))}
          </FormSelect>
          <FieldHelp id={`${idOf(name)}-help`} error={fieldState.error?.message} hint={hint} />
        </FormGroup>
      )}
    />
  );
}
