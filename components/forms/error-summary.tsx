"use client";

import { Alert, Button } from "@patternfly/react-core";
import { useEffect, useRef } from "react";
import { fieldId } from "./form-context";
import { parseFieldPath } from "./object-path";
import type { FieldErrors } from "./resource-document";

/** Props of {@link ErrorSummary}. */
export interface ErrorSummaryProps {
  title: string;
  errors: FieldErrors;
  /** Grows on every refused submit: the summary takes focus and scrolls into view each time. */
  attempt: number;
}

/**
 * The problems of a refused submit, at the top of the form: the whole-document message, then
 * every field error with its path, each a link that moves focus to its field. The summary takes
 * focus and scrolls into view after each refused submit, so a user who pressed Create at the
 * bottom of a long form sees (and a screen reader announces) why nothing happened.
 *
 * @see https://design-system.service.gov.uk/components/error-summary/
 */
export function ErrorSummary({ title, errors, attempt }: ErrorSummaryProps) {
  const ref = useRef<HTMLDivElement>(null);
  const fields = Object.entries(errors).filter(([field]) => field !== "");
  const whole = errors[""];
  const shown = Boolean(whole) || fields.length > 0;
  useEffect(() => {
    if (attempt === 0 || !ref.current) return;
    ref.current.focus();
    ref.current.scrollIntoView?.({ block: "start" });
  }, [attempt]);
  if (!shown) return null;
  return (
    <div ref={ref} tabIndex={-1} data-testid="form-error-summary" style={{ outline: "none" }}>
      <Alert isInline variant="danger" title={title} data-testid="form-error">
        {whole ? <p>{whole}</p> : null}
        {fields.length > 0 ? (
          <ul data-testid="form-error-fields">
            {fields.map(([field, message]) => (
              <li key={field}>
                <Button variant="link" isInline onClick={() => focusField(field)}>
                  <code>{field}</code>
                </Button>
                : {message}
              </li>
            ))}
          </ul>
        ) : null}
      </Alert>
    </div>
  );
}

/** Focuses the input of a dotted field path, else its section, else shows the YAML's place. */
function focusField(field: string): void {
  const id = fieldId(parseFieldPath(field));
  const target =
    document.getElementById(id) ??
    document.getElementById(`${id}-alternative`) ??
    document.querySelector<HTMLElement>(`[data-testid="${id}-section"] button`);
  if (!target) return;
  target.scrollIntoView?.({ block: "center" });
  target.focus();
}
