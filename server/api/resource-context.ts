import "server-only";
import { KIND_PLURALS, kindByPlural, type KindInfo, type KindPlural } from "@/lib/api/kinds";
import type { UserIdentity } from "../auth/identity";
import { kubeForUser, type UserKubeClients } from "../kube/client";
import { getEventRecorder, type EventRecorder } from "../kube/events";
import { apiError, errorResponse, toApiError, type ApiError } from "./errors";
import { guardRequest, type GuardResult } from "./guard";
import { audit, type AuditEntry } from "./audit";

/**
 * What every resource handler runs with: the caller (after {@link guardRequest}), Kubernetes
 * clients acting as the caller, and the dashboard's own Event recorder for the audit trail.
 * Handlers take it as a parameter so that tests call them in-process as any user against the
 * real apiserver; routes build it with {@link resourceRoute}.
 */
export interface Caller {
  user: UserIdentity;
  kube: UserKubeClients;
  events: EventRecorder;
}

/** A handler of a resource route. */
export type ResourceHandler<P> = (caller: Caller, request: Request, params: P) => Promise<Response>;

/** How routes build a {@link Caller}; replaced in tests of the wrapper only. */
export interface CallerDeps {
  guard: (request: Request, options: { mutating: boolean }) => Promise<GuardResult>;
  kubeFor: (user: UserIdentity) => Promise<UserKubeClients>;
  events: () => EventRecorder;
}

const DEFAULT_DEPS: CallerDeps = {
  guard: guardRequest,
  kubeFor: kubeForUser,
  events: getEventRecorder,
};

/**
 * A Next.js route handler: guard first (401, CSRF, rate limit), then the handler with the
 * caller and the awaited params.
 */
export function resourceRoute<P>(
  handler: ResourceHandler<P>,
  options: { mutating: boolean },
  deps: CallerDeps = DEFAULT_DEPS,
): (request: Request, context: { params: Promise<P> }) => Promise<Response> {
  return async (request, context) => {
    const guard = await deps.guard(request, options);
    if (!guard.ok) return guard.response;
    try {
      const caller = {
        user: guard.user,
        kube: await deps.kubeFor(guard.user),
        events: deps.events(),
      };
      return await handler(caller, request, await context.params);
    } catch (err) {
      return errorResponse(toApiError(err));
    }
  };
}

export const NO_STORE = { "Cache-Control": "no-store" };

/** The 404 of an unknown plural: names it and lists the known ones. */
export function unknownPlural(plural: string): ApiError {
  return apiError(
    404,
    "NotFound",
    `There is no resource type "${plural}" in the Pilothouse API; the known ones are ${KIND_PLURALS.join(", ")}.`,
  );
}

/** The kind of a path segment, or the 404 to answer ({@link unknownPlural}). */
export function kindOrNotFound(
  plural: string,
): { ok: true; kind: KindInfo & { plural: KindPlural } } | { ok: false; response: Response } {
  const kind = kindByPlural(plural);
  if (kind) return { ok: true, kind: kind as KindInfo & { plural: KindPlural } };
  return { ok: false, response: errorResponse(unknownPlural(plural)) };
}

/**
 * A route handler for the methods a route does not serve, so that Next.js never answers them
 * with an empty 405: after the guard (401 first, like every route; no CSRF or rate limit, as
 * nothing is changed), an unknown `{plural}` is the JSON 404 of {@link unknownPlural}, and a
 * known one is a JSON 405 with `Allow` (RFC 9110 §15.5.6).
 *
 * @param allowed - the methods the route does serve, e.g. `["GET"]`.
 * @param hint - where the refused method is served instead, for the message, e.g. "To list,
 *   GET /api/v1/mysqlclusters?namespace=demo.", from the route's params and the method.
 */
export function unsupportedMethod<P extends { plural: string }>(
  allowed: readonly string[],
  deps: Pick<CallerDeps, "guard"> = DEFAULT_DEPS,
  hint?: (params: P, method: string) => string | undefined,
): (request: Request, context: { params: Promise<P> }) => Promise<Response> {
  return async (request, context) => {
    const guard = await deps.guard(request, { mutating: false });
    if (!guard.ok) return guard.response;
    const params = await context.params;
    if (!kindByPlural(params.plural)) return errorResponse(unknownPlural(params.plural));
    const allow = allowed.join(", ");
    const instead = hint?.(params, request.method);
    const message = `${request.method} is not served here; use ${allow}.${instead ? ` ${instead}` : ""}`;
    const response = errorResponse(apiError(405, "MethodNotAllowed", message));
    response.headers.set("Allow", allow);
    return response;
  };
}

/**
 * Answers `error`, auditing it first (mutating requests are audited whatever their outcome).
 */
export async function refuse(
  caller: Caller,
  entry: Omit<AuditEntry, "user" | "status" | "code">,
  error: ApiError,
): Promise<Response> {
  await audit(
    { ...entry, user: caller.user, status: error.status, code: error.body.error.code },
    caller.events,
  );
  return errorResponse(error);
}

/** Answers a caught error (mapped with {@link toApiError}), audited. */
export function refuseCaught(
  caller: Caller,
  entry: Omit<AuditEntry, "user" | "status" | "code">,
  err: unknown,
): Promise<Response> {
  return refuse(caller, entry, toApiError(err));
}

/** Answers `body` as JSON with `status`, audited as a success. */
export async function succeed(
  caller: Caller,
  entry: Omit<AuditEntry, "user" | "status" | "code">,
  body: unknown,
  status: number,
  headers: Record<string, string> = {},
): Promise<Response> {
  await audit({ ...entry, user: caller.user, status }, caller.events);
  return Response.json(body, { status, headers: { ...NO_STORE, ...headers } });
}

/** The uid of an object as the apiserver returned it, if any. */
export function uidOf(object: Record<string, unknown>): string | undefined {
  const metadata = object.metadata as { uid?: unknown } | undefined;
  return typeof metadata?.uid === "string" ? metadata.uid : undefined;
}
