import { describe, expect, it } from "vitest";
import { upstreamStatus } from "./watch-status";

describe("upstreamStatus", () => {
  it("says live once per establishment and reconnecting once per interruption, with since", () => {
    const frames: string[] = [];
    const status = upstreamStatus(
      (frame) => frames.push(frame),
      () => new Date("2026-01-02T03:04:05.000Z"),
    );
    status.established();
    status.established(); // the next 25 s watch request: no news
    status.interrupted("The Kubernetes API cannot be reached.");
    status.interrupted("still down");
    status.established();
    expect(frames).toEqual([
      'event: status\ndata: {"state":"live"}\n\n',
      'event: status\ndata: {"state":"reconnecting","since":"2026-01-02T03:04:05.000Z","reason":"The Kubernetes API cannot be reached."}\n\n',
      'event: status\ndata: {"state":"live"}\n\n',
    ]);
  });

  it("a watch that never came up reports reconnecting, not live", () => {
    const frames: string[] = [];
    upstreamStatus((frame) => frames.push(frame)).interrupted("HTTP 503");
    expect(frames).toHaveLength(1);
    expect(frames[0]).toContain('"state":"reconnecting"');
  });
});
