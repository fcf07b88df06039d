import type { FieldPath, UseFormSetError } from "react-hook-form";
import type { CreateMySQLClusterInput } from "@/lib/api/mysql-clusters";
import { ApiRequestError } from "../api/fetch-json";

/** Fields of the form, by the request body path that Kubernetes and the API report errors on. */
const FIELDS = new Set<string>([
  "metadata.name",
  "metadata.namespace",
  "spec.engine",
  "spec.version",
  "spec.replicas",
  "spec.storage.size",
]);
const isFormField = (field: string | undefined): field is FieldPath<CreateMySQLClusterInput> =>
  field !== undefined && FIELDS.has(field);

/**
 * Shows a failed create on the form: each field cause on its field, the rest (and the message)
 * in the form's alert; `AlreadyExists` on the name.
 */
export function showServerError(err: unknown, setError: UseFormSetError<CreateMySQLClusterInput>) {
  const error = err instanceof ApiRequestError ? err : undefined;
  const unplaced: string[] = [];
  for (const cause of error?.causes ?? []) {
    if (isFormField(cause.field)) setError(cause.field, { type: "server", message: cause.message });
    else unplaced.push(cause.field ? `${cause.field}: ${cause.message}` : cause.message);
  }
  if (error?.code === "AlreadyExists") {
    setError("metadata.name", { type: "server", message: "a cluster with this name exists" });
  }
  const message = [error?.message ?? String(err), ...unplaced].join(" — ");
  setError("root.server", { type: String(error?.status ?? "error"), message });
}
