/**
 * Whether a view is live (its event stream is open), reconnecting, or stale — and since when —
 * as a pure reducer so that the transitions are tested without a browser.
 */

export type LiveStatus = "connecting" | "live" | "reconnecting" | "stale";

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
  | { type: "interrupted"; at: number }
  | { type: "closed"; at: number; reason?: string };

export const initialLiveState: LiveState = { status: "connecting", since: null };

/** The next state of a view after an event of its stream. */
export function liveReducer(state: LiveState, action: LiveAction): LiveState {
  // The moment the view stopped being current: now if it was live, else unchanged.
  const lastCurrent = state.status === "live" ? action.at : state.since;
  switch (action.type) {
    case "open":
      return { status: "live", since: action.at };
    case "interrupted":
      return state.status === "stale"
        ? state
        : { status: "reconnecting", since: lastCurrent, reason: state.reason };
    case "closed":
      return { status: "stale", since: lastCurrent, reason: action.reason ?? state.reason };
  }
}
