import type { z } from "zod";
import { ApiErrorBodySchema, type ApiErrorCause } from "@/lib/api/errors";

/**
 * A failed call of the Pilothouse REST API, with the server's `{ error: { code, message,
 * causes } }` when it sent one.
 */
export class ApiRequestError extends Error {
  override readonly name = "ApiRequestError";
  /** HTTP status; 0 when the request never got an answer. */
  readonly status: number;
  readonly code: string;
  readonly causes: ApiErrorCause[];

  constructor(
    init: { status: number; code: string; message: string; causes?: ApiErrorCause[] },
    options?: ErrorOptions,
  ) {
    super(init.message, options);
    this.status = init.status;
    this.code = init.code;
    this.causes = init.causes ?? [];
  }
}

/**
 * Calls the REST API and validates the JSON answer with `schema` (the server is outside the
 * browser's trust boundary too).
 *
 * @throws ApiRequestError on a network failure, a non-2xx status or an answer that does not
 *   match `schema`.
 */
export async function fetchJson<S extends z.ZodType>(
  url: string,
  schema: S,
  init?: RequestInit,
): Promise<z.infer<S>> {
  let response: Response;
  try {
    response = await fetch(url, { credentials: "same-origin", ...init });
  } catch (err) {
    throw new ApiRequestError(
      { status: 0, code: "NetworkError", message: "The dashboard cannot be reached." },
      { cause: err },
    );
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const parsed = ApiErrorBodySchema.safeParse(body);
    if (parsed.success)
      throw new ApiRequestError({ status: response.status, ...parsed.data.error });
    throw new ApiRequestError({
      status: response.status,
      code: "HttpError",
      message: `The dashboard answered ${response.status} ${response.statusText}.`,
    });
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ApiRequestError(
      { status: response.status, code: "BadResponse", message: "Unexpected answer from the API." },
      { cause: parsed.error },
    );
  }
  return parsed.data;
}

/** A JSON POST for {@link fetchJson}. */
export function postJson(body: unknown): RequestInit {
  return {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  };
}
