import { describe, expect, it } from "vitest";
import { sseResponse } from "./sse-stream";

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
