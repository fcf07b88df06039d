import { describe, expect, it, vi } from "vitest";
import { credentialDeadline, sseResponse } from "./sse-stream";

async function readAll(response: Response): Promise<string> {
  return new TextDecoder().decode(await response.arrayBuffer());
}

describe("sseResponse", () => {
  it("starts with a retry frame, streams the producer's frames and closes when it settles", async () => {
    const response = sseResponse(new AbortController().signal, (send) => {
      send("id: 1\ndata: a\n\n");
      send("id: 2\ndata: b\n\n");
      return Promise.resolve();
    });
    expect(response.headers.get("cache-control")).toBe("no-cache, no-transform");
    expect(await readAll(response)).toBe("retry: 2000\n\nid: 1\ndata: a\n\nid: 2\ndata: b\n\n");
  });

  it("aborts the producer when the request goes away", async () => {
    const request = new AbortController();
    let producerSignal: AbortSignal | undefined;
    const response = sseResponse(request.signal, (_send, signal) => {
      producerSignal = signal;
      return new Promise((resolve) => signal.addEventListener("abort", () => resolve()));
    });
    const body = readAll(response);
    request.abort();
    await body;
    expect(producerSignal?.aborted).toBe(true);
  });

  it("aborts the producer when the reader cancels the stream", async () => {
    let producerSignal: AbortSignal | undefined;
    const response = sseResponse(new AbortController().signal, (_send, signal) => {
      producerSignal = signal;
      return new Promise((resolve) => signal.addEventListener("abort", () => resolve()));
    });
    await response.body?.cancel();
    expect(producerSignal?.aborted).toBe(true);
  });
});

describe("credentialDeadline", () => {
  const at = (seconds: number) => () => seconds * 1000;

  it("aborts at the credential's expiry and says it expired", () => {
    vi.useFakeTimers();
    try {
      const outer = new AbortController();
      const deadline = credentialDeadline(outer.signal, 1_060, at(1_000));
      vi.advanceTimersByTime(59_999);
      expect(deadline.signal.aborted).toBe(false);
      vi.advanceTimersByTime(1);
      expect(deadline.signal.aborted).toBe(true);
      expect(deadline.expired()).toBe(true);
      expect(outer.signal.aborted).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it("ends at once when the credential has already expired", () => {
    const deadline = credentialDeadline(new AbortController().signal, 999, at(1_000));
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.expired()).toBe(true);
  });

  it("follows the client going away without calling it an expiry, and stops its timer", () => {
    vi.useFakeTimers();
    try {
      const outer = new AbortController();
      const deadline = credentialDeadline(outer.signal, 1_060, at(1_000));
      outer.abort();
      expect(deadline.signal.aborted).toBe(true);
      vi.advanceTimersByTime(120_000);
      expect(deadline.expired()).toBe(false);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("never expires without a known expiry; dispose clears the timer", () => {
    vi.useFakeTimers();
    try {
      const none = credentialDeadline(new AbortController().signal, undefined, at(1_000));
      const timed = credentialDeadline(new AbortController().signal, 1_060, at(1_000));
      timed.dispose();
      vi.advanceTimersByTime(120_000);
      expect(none.signal.aborted).toBe(false);
      expect(timed.expired()).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it("ends an open event stream at the expiry with the producer's last frame", async () => {
    const expiresAt = Date.now() / 1000 + 0.05; // 50 ms from now
    const response = sseResponse(new AbortController().signal, async (send, signal) => {
      const deadline = credentialDeadline(signal, expiresAt);
      await new Promise<void>((resolve) =>
        deadline.signal.addEventListener("abort", () => resolve()),
      );
      if (deadline.expired()) send("event: stream-error\ndata: expired\n\n");
    });
    expect(await readAll(response)).toBe("retry: 2000\n\nevent: stream-error\ndata: expired\n\n");
  });
});
