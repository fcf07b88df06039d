/**
 * Whether a view is live (its event stream is open), reconnecting, or stale — and since when —
 * as a pure reducer so that the transitions are tested without a browser.
 */

export type LiveStatus = "connecting" | "live" | "reconnecting" | "stale" | "refused";

export interface LiveState {
  status: LiveStatus;
  /**
   * For `live`: when the stream opened. For `reconnecting` and `stale`: when the view was last
   * known to be current (the moment the stream dropped), or `null` if it never was.
   * Milliseconds since the epoch.
   */
  since: number | null;
  /** Why the view is stale, when the server said so (e.g. a 403 from Kubernetes). */
  reason?: string;
}

export type LiveAction =
  | { type: "open"; at: number }
  | { type: "interrupted"; at: number; reason?: string }
  | { type: "closed"; at: number; reason?: string }
  /** The server ended the stream because the user may not watch (403), e.g. access revoked. */
  | { type: "refused"; at: number; reason: string };

export const initialLiveState: LiveState = { status: "connecting", since: null };

/** The next state of a view after an event of its stream. */
export function liveReducer(state: LiveState, action: LiveAction): LiveState {
  // The moment the view stopped being current: now if it was live, else unchanged.
  const lastCurrent = state.status === "live" ? action.at : state.since;
  switch (action.type) {
    case "open":
      return { status: "live", since: action.at };
    case "interrupted":
      return state.status === "stale" || state.status === "refused"
        ? state
        : { status: "reconnecting", since: lastCurrent, reason: action.reason ?? state.reason };
    case "closed":
      // A refused view stays refused while the reconnect attempts fail.
      if (state.status === "refused") return state;
      return { status: "stale", since: lastCurrent, reason: action.reason ?? state.reason };
    case "refused":
      return { status: "refused", since: lastCurrent, reason: action.reason };
  }
}

/** What {@link liveWithQuery} needs of the react-query query that loaded the view's data. */
export interface QueryHealth {
  status: "pending" | "error" | "success";
  /** The last failure (`error` when settled, `failureReason` while retrying), with its HTTP status. */
  failure: { status: number; message: string } | null;
  /** When the data was last loaded, in milliseconds since the epoch; 0 when never. */
  dataUpdatedAt: number;
}

/**
 * The live state a view shows, given its stream's state and the query that loads its data: the
 * stream only opens once the data is loaded, so a refused (403) or failing load must be shown
 * as such instead of "Connecting…" forever.
 */
export function liveWithQuery(live: LiveState, query: QueryHealth): LiveState {
  const since = query.dataUpdatedAt > 0 ? query.dataUpdatedAt : null;
  const { failure } = query;
  if (query.status === "success" || !failure) return live;
  if (failure.status === 403) return { status: "refused", since, reason: failure.message };
  if (query.status === "pending") return { status: "reconnecting", since, reason: failure.message };
  return { status: "stale", since, reason: failure.message };
}

/** What the stream says when it ends because the credential that opened it expired. */
export const REAUTHORIZE_ERROR_CODE = "Unauthorized";

/**
 * Whether a body of `GET /api/auth/session` (next-auth) is a signed-in session: next-auth
 * answers `{}` when there is none, or when it has ended.
 */
export function isSignedInSession(body: unknown): boolean {
  if (typeof body !== "object" || body === null || !("user" in body)) return false;
  const { user } = body;
  return typeof user === "object" && user !== null;
}

/**
 * The sign-in page to send the browser to when its session has ended while a view was open:
 * it says why (`error=SessionExpired`) and comes back to the view afterwards.
 *
 * @param current - the current path with its query, e.g. `/mysqlclusters?namespace=demo`.
 */
export function sessionEndedSignInUrl(current: string): string {
  const query = new URLSearchParams({ callbackUrl: current, error: "SessionExpired" });
  return `/sign-in?${query.toString()}`;
}
