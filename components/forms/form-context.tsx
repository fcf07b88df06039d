"use client";

import { FormHelperText, HelperText, HelperTextItem } from "@patternfly/react-core";
import { createContext, useContext } from "react";
import { dotted, getAt, type FieldPath, type JsonObject } from "./object-path";
import type { FieldErrors } from "./resource-document";

/** What every field of a schema-driven form reads and writes. */
export interface ResourceFormState {
  /** The kind's plural, e.g. `mysqlbackups` (a few fields read other objects of the kind's). */
  plural: string;
  document: JsonObject;
  errors: FieldErrors;
  /** Writes one value; `undefined` removes the key. */
  setValue: (path: FieldPath, value: unknown) => void;
  /**
   * Why a field is shown but not editable (the name and namespace of an existing object, fields
   * the CRD makes immutable), or `undefined` when it is editable.
   */
  readOnly: (path: FieldPath) => string | undefined;
}

export const ResourceFormContext = createContext<ResourceFormState | null>(null);

/** The form's state; throws outside a {@link ResourceFormContext} provider (a programming error). */
export function useResourceForm(): ResourceFormState {
  const state = useContext(ResourceFormContext);
  if (!state) throw new Error("a schema field must be rendered inside a ResourceForm");
  return state;
}

/** One field's value, error and setter. */
export function useField(path: FieldPath) {
  const { document, errors, setValue, readOnly } = useResourceForm();
  const key = dotted(path);
  return {
    value: getAt(document, path),
    error: errors[key],
    set: (value: unknown) => setValue(path, value),
    readOnly: readOnly(path) !== undefined,
    /** Why the field is read-only, shown as its helper text. */
    readOnlyReason: readOnly(path),
    id: fieldId(path),
  };
}

/** The DOM id of a field's input: `field-spec-storage-size`. */
export const fieldId = (path: FieldPath) => `field-${dotted(path).replace(/[^A-Za-z0-9_-]/g, "-")}`;

/** Whether any error sits on `path` or below it (a section with one must show it). */
export function hasErrorWithin(errors: FieldErrors, path: FieldPath): boolean {
  const key = dotted(path);
  return Object.keys(errors).some((field) => field === key || field.startsWith(`${key}.`));
}

/**
 * A field's error, or its description, with the id its input names in `aria-describedby` (a
 * live region, so a new error is announced).
 */
export function FieldHelp({ id, error, hint }: { id: string; error?: string; hint?: string }) {
  if (!error && !hint) return null;
  return (
    <FormHelperText>
      <HelperText isLiveRegion>
        <HelperTextItem id={`${id}-help`} variant={error ? "error" : "default"}>
          {error ?? hint}
        </HelperTextItem>
      </HelperText>
    </FormHelperText>
  );
}

/** The `aria-describedby` of a field that shows {@link FieldHelp}, or `undefined`. */
export const helpIdOf = (id: string, shown: boolean) => (shown ? `${id}-help` : undefined);
