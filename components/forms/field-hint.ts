/** The helper text of a form field, pure so that its wording is unit-tested. */
import type { SchemaNode } from "./schema-node";

/**
 * A field's helper text: why it is read-only (edit of an immutable field) as one sentence, ending
 * with a single period (a reason that already ends a sentence is not given another), then its
 * description; `undefined` when there is neither.
 */
export const hintOf = (
  node: Pick<SchemaNode, "description">,
  readOnlyReason: string | undefined,
): string | undefined => {
  const reason = readOnlyReason?.trim();
  const readOnly = reason ? `Read-only: ${reason}${/[.!?]$/.test(reason) ? "" : "."}` : undefined;
  return [readOnly, node.description].filter(Boolean).join(" ") || undefined;
};
