import "server-only";
import { kindByPlural } from "@/lib/api/kinds";
import { WatchQuerySchema } from "@/lib/api/watch-events";
import { getWatchHub } from "../kube/watch-hub";
import { moduleLogger } from "../log";
import { apiError, errorResponse, toApiError } from "./errors";
import { guardRequest } from "./guard";
import { queryOf, validate } from "./request";
import { sseResponse } from "./sse-stream";

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
 */

const log = moduleLogger("api/watch");

export async function watchHandler(request: Request, plural: string): Promise<Response> {
  const guard = await guardRequest(request, { mutating: false });
  if (!guard.ok) return guard.response;
  const { user } = guard;
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

  return sseResponse(request.signal, async (send, signal) => {
    log.debug({ user: user.username, plural, namespace, name, lastEventId }, "stream opened");
    await hub.subscribe({
      kind,
      namespace,
      name,
      user,
      lastEventId: lastEventId ?? query.value.resourceVersion,
      send,
      signal,
    });
    log.debug({ user: user.username, plural, namespace }, "stream closed");
  });
}
