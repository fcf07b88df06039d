import "server-only";
import { decodeJwt } from "jose";
import { kindByPlural } from "@/lib/api/kinds";
import { WATCH_EVENT, WatchQuerySchema } from "@/lib/api/watch-events";
import { bearerTokenOf } from "../auth/bearer";
import { getSessionAccessTokenExpiry } from "../auth/session";
import { getWatchHub } from "../kube/watch-hub";
import { formatSseEvent } from "./sse";
import { moduleLogger } from "../log";
import { apiError, errorResponse, toApiError } from "./errors";
import { guardRequest } from "./guard";
import { queryOf, validate } from "./request";
import { credentialDeadline, sseResponse } from "./sse-stream";

/**
 * `GET /api/v1/watch/{plural}?namespace=demo[&name=x][&resourceVersion=rv]`: the collection as
 * Server-Sent Events (see `lib/api/watch-events.ts`), served from the process's shared watch hub
 * (`server/kube/watch-hub.ts`): one upstream watch per (kind, namespace) for every browser.
 *
 * The start point is the `Last-Event-ID` header (an EventSource reconnecting, possibly to another
 * replica), else `resourceVersion` (a client that has just listed); the hub replays the events
 * after it while it still has them, and sends a snapshot otherwise.
 *
 * Answers 401 without a session, 404 for an unknown plural, 422 for a bad query and 403 when
 * the user may not list and watch the collection — before the stream starts, as a JSON error.
 *
 * A stream ends when the credential that opened it expires (the session's access token, or a
 * bearer token's `exp`) with a `stream-error` event of code `Unauthorized`: the browser's
 * EventSource reconnects with `Last-Event-ID`, the proxy refreshes the token on that request and
 * the guard re-authorizes it — or answers 401 when the session has ended.
 */

const log = moduleLogger("api/watch");

export async function watchHandler(request: Request, plural: string): Promise<Response> {
  const guard = await guardRequest(request, { mutating: false });
  if (!guard.ok) return guard.response;
  const { user, via } = guard;
  const kind = kindByPlural(plural);
  if (!kind) {
    return errorResponse(apiError(404, "NotFound", `No resource kind "${plural}" to watch.`));
  }
  const query = validate(WatchQuerySchema, queryOf(request), "Invalid query.");
  if (!query.ok) return errorResponse(query.error);
  const { namespace, name } = query.value;
  const lastEventId = request.headers.get("last-event-id")?.trim() || undefined;

  const hub = getWatchHub();
  try {
    const decision = await hub.authorize(user, kind, namespace);
    if (!decision.allowed) return errorResponse(apiError(403, "Forbidden", decision.reason));
  } catch (err) {
    return errorResponse(toApiError(err));
  }

  const expiresAt = await credentialExpiry(request, via);
  return sseResponse(request.signal, async (send, signal) => {
    log.debug({ user: user.username, plural, namespace, name, lastEventId }, "stream opened");
    const deadline = credentialDeadline(signal, expiresAt);
    try {
      await hub.subscribe({
        kind,
        namespace,
        name,
        user,
        lastEventId: lastEventId ?? query.value.resourceVersion,
        send,
        signal: deadline.signal,
      });
    } finally {
      deadline.dispose();
    }
    if (deadline.expired() && !signal.aborted) {
      log.debug({ user: user.username, plural, namespace }, "credential expired; stream ends");
      send(CREDENTIAL_EXPIRED_FRAME[via]);
    }
    log.debug({ user: user.username, plural, namespace }, "stream closed");
  });
}

/** The `stream-error` frame that ends a stream whose credential expired, by credential kind. */
const CREDENTIAL_EXPIRED_FRAME: Record<"session" | "bearer", string> = {
  session: formatSseEvent({
    event: WATCH_EVENT.streamError,
    data: {
      error: {
        code: "Unauthorized",
        message: "The session's access token has expired: reconnect to re-authorize.",
        causes: [],
      },
    },
  }),
  bearer: formatSseEvent({
    event: WATCH_EVENT.streamError,
    data: {
      error: {
        code: "Unauthorized",
        message: "The bearer token has expired: reconnect with a new one.",
        causes: [],
      },
    },
  }),
};

/**
 * The expiry of the credential the guard accepted, in epoch seconds: the session JWT's
 * `accessTokenExpiresAt`, or the bearer token's `exp` (already verified by the guard).
 */
async function credentialExpiry(
  request: Request,
  via: "session" | "bearer",
): Promise<number | undefined> {
  if (via === "session") return getSessionAccessTokenExpiry();
  const token = bearerTokenOf(request);
  if (token === undefined) return undefined;
  try {
    return decodeJwt(token).exp;
  } catch {
    return undefined;
  }
}
