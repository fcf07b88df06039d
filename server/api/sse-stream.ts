import "server-only";
import { formatSseComment, formatSseRetry, SSE_HEADERS } from "./sse";

/** Comment frame interval, in milliseconds: under common 30–60 s proxy idle timeouts. */
export const HEARTBEAT_MS = 15_000;
/** Reconnection delay suggested to the browser, in milliseconds. */
export const RETRY_MS = 2_000;

/**
 * UTF-8 bytes of a frame, remembering the last one: the watch hub sends one frame string to
 * every subscriber in a row, so a fan-out to 1,000 streams encodes it once, not 1,000 times.
 */
const encodeFrame = (() => {
  const encoder = new TextEncoder();
  let last: { frame: string; bytes: Uint8Array } | undefined;
  return (frame: string): Uint8Array => {
    if (last?.frame !== frame) last = { frame, bytes: encoder.encode(frame) };
    return last.bytes;
  };
})();

/**
 * An event-stream Response around a producer: it writes the `retry` frame, heartbeats every
 * {@link HEARTBEAT_MS}, and closes the stream when the producer settles. The producer's signal
 * aborts when the client goes away (request aborted, or the stream cancelled), so upstream
 * watches end with their browser.
 *
 * @param requestSignal - the incoming request's signal.
 * @param produce - writes frames with `send` until `signal` aborts; its promise must not reject.
 */
export function sseResponse(
  requestSignal: AbortSignal,
  produce: (send: (frame: string) => void, signal: AbortSignal) => Promise<void>,
): Response {
  const abort = new AbortController();
  requestSignal.addEventListener("abort", () => abort.abort(), { once: true });

  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (frame: string) => {
        if (abort.signal.aborted) return;
        try {
          controller.enqueue(encodeFrame(frame));
        } catch {
          abort.abort(); // the client is gone
        }
      };
      send(formatSseRetry(RETRY_MS));
      const heartbeat = setInterval(() => send(formatSseComment("heartbeat")), HEARTBEAT_MS);
      void produce(send, abort.signal).finally(() => {
        clearInterval(heartbeat);
        abort.abort();
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      });
    },
    cancel() {
      abort.abort();
    },
  });
  return new Response(stream, { headers: SSE_HEADERS });
}
