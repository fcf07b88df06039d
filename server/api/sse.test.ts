import { describe, expect, it } from "vitest";
import { formatSseComment, formatSseEvent, formatSseRetry, SSE_HEADERS } from "./sse";

describe("SSE framing", () => {
  it("writes id, event and JSON data, ended by a blank line", () => {
    expect(formatSseEvent({ id: "123", event: "change", data: { a: 1 } })).toBe(
      'id: 123\nevent: change\ndata: {"a":1}\n\n',
    );
  });

  it("splits data with line breaks into several data lines", () => {
    expect(formatSseEvent({ data: "one\ntwo\r\nthree" })).toBe(
      "data: one\ndata: two\ndata: three\n\n",
    );
  });

  it("refuses an id or event name that would break the frame", () => {
    expect(() => formatSseEvent({ id: "1\nevent: x", data: 1 })).toThrow();
    expect(() => formatSseEvent({ event: "a\rb", data: 1 })).toThrow();
  });

  it("writes comments and retry frames", () => {
    expect(formatSseComment("heartbeat\nx")).toBe(": heartbeat x\n\n");
    expect(formatSseRetry(2000.7)).toBe("retry: 2000\n\n");
    expect(formatSseEvent({ retry: 500, data: "x" })).toBe("retry: 500\ndata: x\n\n");
  });

  it("asks proxies and compression not to buffer", () => {
    expect(SSE_HEADERS["Cache-Control"]).toBe("no-cache, no-transform");
    expect(SSE_HEADERS["X-Accel-Buffering"]).toBe("no");
    expect(SSE_HEADERS["Content-Type"]).toMatch(/^text\/event-stream/);
  });
});
