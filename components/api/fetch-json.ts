import { z } from "zod";
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

/** The header the API reads the CSRF token from (server/auth/csrf.ts). */
export const CSRF_HEADER = "X-CSRF-Token";

const CsrfResponseSchema = z.object({ csrfToken: z.string().min(1) });
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

let csrfToken: Promise<string> | undefined;

/**
 * next-auth's CSRF token for this browser (`GET /api/auth/csrf`, which also sets the matching
 * cookie), fetched once per page load and again after the API refused it.
 *
 * @throws ApiRequestError when it cannot be fetched.
 */
function getCsrfToken(refresh = false): Promise<string> {
  if (refresh || !csrfToken) {
    csrfToken = fetch("/api/auth/csrf", { credentials: "same-origin", cache: "no-store" })
      .then(async (response) => CsrfResponseSchema.parse(await response.json()).csrfToken)
      .catch((err: unknown) => {
        csrfToken = undefined;
        throw new ApiRequestError(
          {
            status: 0,
            code: "NetworkError",
            message: "The dashboard's CSRF token cannot be fetched.",
          },
          { cause: err },
        );
      });
  }
  return csrfToken;
}

async function send(
  url: string,
  init: RequestInit | undefined,
  refreshCsrf: boolean,
): Promise<Response> {
  const method = (init?.method ?? "GET").toUpperCase();
  const headers = new Headers(init?.headers);
  if (!SAFE_METHODS.has(method)) headers.set(CSRF_HEADER, await getCsrfToken(refreshCsrf));
  try {
    return await fetch(url, { credentials: "same-origin", ...init, headers });
  } catch (err) {
    throw new ApiRequestError(
      { status: 0, code: "NetworkError", message: "The dashboard cannot be reached." },
      { cause: err },
    );
  }
}

/**
 * Calls the REST API and validates the JSON answer with `schema` (the server is outside the
 * browser's trust boundary too). Mutating requests carry the CSRF token (`X-CSRF-Token`); a
 * `CsrfFailed` refusal (the token rotated, e.g. after signing in again) is retried once with a
 * fresh token.
 *
 * @throws ApiRequestError on a network failure, a non-2xx status or an answer that does not
 *   match `schema`.
 */
export async function fetchJson<S extends z.ZodType>(
  url: string,
  schema: S,
  init?: RequestInit,
): Promise<z.infer<S>> {
  let response = await send(url, init, false);
  if (response.status === 403 && !SAFE_METHODS.has((init?.method ?? "GET").toUpperCase())) {
    const refusal = ApiErrorBodySchema.safeParse(
      await response
        .clone()
        .json()
        .catch(() => undefined),
    );
    if (refusal.success && refusal.data.error.code === "CsrfFailed")
      response = await send(url, init, true);
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
