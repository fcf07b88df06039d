import "server-only";
import { MySQLClusterQuerySchema } from "@/lib/api/mysql-clusters";
import { WATCH_EVENT } from "@/lib/api/watch-events";
import { MYSQL_GROUP, MySQLClusterNames } from "@/lib/crds/mysql-cluster";
import { getUser } from "../auth/session";
import { reviewAccess } from "../kube/access-review";
import { kubeForUser, type UserKubeClients } from "../kube/client";
import { parseMySQLCluster, parseMySQLClusters, watchMySQLClusters } from "../kube/mysql-clusters";
import { moduleLogger } from "../log";
import { apiError, errorResponse, toApiError, unauthorized } from "./errors";
import { queryOf, validate } from "./request";
import { formatSseEvent } from "./sse";
import { sseResponse } from "./sse-stream";
import { upstreamStatus } from "./watch-status";

/**
 * `GET /api/v1/watch/mysqlclusters?namespace=demo[&name=x][&resourceVersion=rv]`: a Kubernetes
 * watch as Server-Sent Events (see `lib/api/watch-events.ts` for the events). The start point is
 * the `Last-Event-ID` header (an EventSource reconnecting), else `resourceVersion` (a client that
 * has just listed), else a fresh list sent as a snapshot.
 *
 * One impersonated upstream watch per connection (the shared hub comes later), looped across
 * client-node's 30 s limit and 410 Gone by `runWatchLoop`.
 */

const log = moduleLogger("api/watch");

export async function watchMySQLClustersHandler(request: Request): Promise<Response> {
  const user = await getUser();
  if (!user) return unauthorized();
  const query = validate(MySQLClusterQuerySchema, queryOf(request), "Invalid query.");
  if (!query.ok) return errorResponse(query.error);
  const { namespace, name } = query.value;
  const lastEventId = request.headers.get("last-event-id")?.trim() || undefined;
  const resourceVersion = lastEventId ?? query.value.resourceVersion;

  // Decide access before answering 200, so that a refused user gets a real 403.
  let kube: UserKubeClients;
  try {
    kube = await kubeForUser(user);
    const ref = { group: MYSQL_GROUP, resource: MySQLClusterNames.plural };
    const allowed = await reviewAccess(kube, namespace, ref);
    if (!allowed.watch || !allowed.list) {
      const message = `User "${user.username}" may not watch mysqlclusters in namespace "${namespace}".`;
      return errorResponse(apiError(403, "Forbidden", message));
    }
  } catch (err) {
    return errorResponse(toApiError(err));
  }

  const frame = (id: string, event: string, data: unknown) => formatSseEvent({ id, event, data });
  return sseResponse(request.signal, async (send, signal) => {
    log.debug({ user: user.username, namespace, name, resourceVersion }, "watch stream opened");
    const upstream = upstreamStatus(send);
    await watchMySQLClusters(kube, {
      namespace,
      name,
      resourceVersion,
      signal,
      handlers: {
        onSnapshot(items, rv) {
          const data = { resourceVersion: rv, items: parseMySQLClusters(items) };
          send(frame(rv, WATCH_EVENT.snapshot, data));
        },
        onChange(type, object, rv) {
          const cluster = parseMySQLCluster(object);
          // An object the schema rejects is left out (and logged), but the stream's position
          // still moves past it, so a resume does not replay it.
          if (!cluster) send(frame(rv, WATCH_EVENT.bookmark, { resourceVersion: rv }));
          else send(frame(rv, WATCH_EVENT.change, { type, object: cluster }));
        },
        onBookmark(rv) {
          send(frame(rv, WATCH_EVENT.bookmark, { resourceVersion: rv }));
        },
        onFatal(error) {
          send(formatSseEvent({ event: WATCH_EVENT.streamError, data: toApiError(error).body }));
        },
        onEstablished() {
          upstream.established();
        },
        onRetry(error, delayMs) {
          log.warn({ err: error, delayMs, namespace }, "watch interrupted; retrying");
          upstream.interrupted(toApiError(error).body.error.message);
        },
      },
    });
    log.debug({ user: user.username, namespace }, "watch stream closed");
  });
}
