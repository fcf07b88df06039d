import { describe, expect, it } from "vitest";
import { initialLiveState, liveReducer, type LiveAction, type LiveState } from "./live-state";

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
