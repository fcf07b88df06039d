import { describe, expect, it } from "vitest";
import {
  initialLiveState,
  isSignedInSession,
  liveReducer,
  liveWithQuery,
  type LiveAction,
  type LiveState,
  sessionEndedSignInUrl,
} from "./live-state";

const play = (actions: LiveAction[], from: LiveState = initialLiveState) =>
  actions.reduce(liveReducer, from);

describe("liveReducer", () => {
  it("is live from the moment the stream opens", () => {
    expect(play([{ type: "open", at: 100 }])).toEqual({ status: "live", since: 100 });
  });

  it("reconnecting keeps the moment the view was last current", () => {
    const state = play([
      { type: "open", at: 100 },
      { type: "interrupted", at: 200 },
      { type: "interrupted", at: 300 },
    ]);
    expect(state).toEqual({ status: "reconnecting", since: 200, reason: undefined });
  });

  it("is stale since the drop, with the server's reason, until it opens again", () => {
    const stale = play([
      { type: "open", at: 100 },
      { type: "interrupted", at: 200 },
      { type: "closed", at: 300, reason: "forbidden" },
    ]);
    expect(stale).toEqual({ status: "stale", since: 200, reason: "forbidden" });
    expect(liveReducer(stale, { type: "interrupted", at: 400 })).toBe(stale);
    expect(liveReducer(stale, { type: "open", at: 500 })).toEqual({ status: "live", since: 500 });
  });

  it("a view that never opened has no since", () => {
    expect(play([{ type: "closed", at: 5 }])).toEqual({
      status: "stale",
      since: null,
      reason: undefined,
    });
  });
});

describe("liveWithQuery", () => {
  const live: LiveState = { status: "connecting", since: null };

  it("shows a refused (403) load as refused, not Connecting…", () => {
    const failure = { status: 403, message: "User cannot list mysqlclusters in secret" };
    expect(liveWithQuery(live, { status: "error", failure, dataUpdatedAt: 0 })).toEqual({
      status: "refused",
      since: null,
      reason: failure.message,
    });
  });

  it("shows a load being retried (apiserver down) as reconnecting", () => {
    const failure = { status: 503, message: "The Kubernetes API cannot be reached." };
    expect(liveWithQuery(live, { status: "pending", failure, dataUpdatedAt: 0 }).status).toBe(
      "reconnecting",
    );
  });

  it("shows a load that failed for good (404) as stale", () => {
    const failure = { status: 404, message: "not found" };
    expect(liveWithQuery(live, { status: "error", failure, dataUpdatedAt: 7 })).toEqual({
      status: "stale",
      since: 7,
      reason: "not found",
    });
  });

  it("leaves the stream's state alone once the data is loaded", () => {
    const open = liveReducer(live, { type: "open", at: 1 });
    expect(liveWithQuery(open, { status: "success", failure: null, dataUpdatedAt: 1 })).toBe(open);
  });
});

describe("liveReducer with server status", () => {
  it("goes reconnecting with the server's reason and since, and live again only on open", () => {
    const state = play([
      { type: "open", at: 100 },
      { type: "interrupted", at: 150, reason: "The Kubernetes API cannot be reached." },
    ]);
    expect(state).toEqual({
      status: "reconnecting",
      since: 150,
      reason: "The Kubernetes API cannot be reached.",
    });
    expect(liveReducer(state, { type: "open", at: 400 })).toEqual({ status: "live", since: 400 });
  });
});

describe("liveReducer when access is revoked", () => {
  it("shows refused with the server's reason, keeps it while reconnects fail, and is live again on open", () => {
    const refused = play([
      { type: "open", at: 100 },
      { type: "refused", at: 200, reason: "User may not watch mysqlclusters" },
      { type: "closed", at: 300 },
      { type: "interrupted", at: 400 },
    ]);
    expect(refused).toEqual({
      status: "refused",
      since: 200,
      reason: "User may not watch mysqlclusters",
    });
    expect(liveReducer(refused, { type: "open", at: 500 })).toEqual({ status: "live", since: 500 });
  });
});

describe("after a refused stream connection", () => {
  it("tells a signed-in session from an ended one by next-auth's session body", () => {
    expect(isSignedInSession({ user: { name: "Alice", email: "a@x", groups: [] } })).toBe(true);
    expect(isSignedInSession({})).toBe(false);
    expect(isSignedInSession(null)).toBe(false);
    expect(isSignedInSession({ user: null })).toBe(false);
  });

  it("sends an ended session to sign-in, saying why and coming back to the view", () => {
    const url = new URL(sessionEndedSignInUrl("/mysqlclusters?namespace=demo"), "http://x");
    expect(url.pathname).toBe("/sign-in");
    expect(url.searchParams.get("error")).toBe("SessionExpired");
    expect(url.searchParams.get("callbackUrl")).toBe("/mysqlclusters?namespace=demo");
  });
});
