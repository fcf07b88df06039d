import { toNestErrors } from "@hookform/resolvers";
import type { FieldError, FieldValues, Resolver } from "react-hook-form";
import type { z } from "zod";
import { causesFromIssues } from "@/lib/api/errors";

/**
 * A react-hook-form resolver that validates with the same schema and reports the same messages
 * as the API: one error per field, chosen by `causesFromIssues` (so `replicas: 1e308` shows
 * "must be at most 9" once, as the server would answer).
 *
 * @param schema - the request schema the API validates with.
 */
export function apiSchemaResolver<S extends z.ZodType<unknown, FieldValues>>(
  schema: S,
): Resolver<z.input<S>, unknown, z.output<S>> {
  return (values, _context, options) => {
    const result = schema.safeParse(values);
    if (result.success) return { values: result.data, errors: {} };
    const flat: Record<string, FieldError> = {};
    for (const cause of causesFromIssues(result.error.issues)) {
      flat[cause.field ?? "root"] = { type: "validation", message: cause.message };
    }
    return { values: {}, errors: toNestErrors(flat, options) };
  };
}
