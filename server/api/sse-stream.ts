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

/** The longest delay `setTimeout` honours, in milliseconds (2^31 - 1, about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647;

/** A stream's end at its credential's expiry; see {@link credentialDeadline}. */
export interface CredentialDeadline {
  /** Aborts when the outer signal aborts or when the credential expires, whichever is first. */
  signal: AbortSignal;
  /** True once the credential has expired (the stream must end with "re-authorize"). */
  expired(): boolean;
  /** Stops the timer (call when the stream ends for another reason). */
  dispose(): void;
}

/**
 * Ends a stream when the credential it was opened with expires: the session's access token
 * (`accessTokenExpiresAt` of the session JWT) or a bearer token's `exp`. A stream must not
 * outlive the credential that authorized it: the browser reconnects, the proxy refreshes the
 * token on that request, and the guard re-authorizes it (or answers 401 when the session has
 * ended).
 *
 * @param outer - the stream's own signal (the client went away).
 * @param expiresAtSeconds - the credential's expiry, in epoch seconds; `undefined` for none.
 * @param now - the clock, in epoch milliseconds (injectable for tests).
 */
export function credentialDeadline(
  outer: AbortSignal,
  expiresAtSeconds: number | undefined,
  now: () => number = Date.now,
): CredentialDeadline {
  const deadline = new AbortController();
  let expired = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expire = () => {
    expired = true;
    deadline.abort();
  };
  const onOuterAbort = () => {
    clearTimeout(timer);
    deadline.abort();
  };
  if (outer.aborted) deadline.abort();
  else outer.addEventListener("abort", onOuterAbort, { once: true });
  if (expiresAtSeconds !== undefined && !deadline.signal.aborted) {
    const waitMs = expiresAtSeconds * 1000 - now();
    if (waitMs <= 0) expire();
    // Beyond the timer's range the stream is not held to the expiry (weeks away).
    else if (waitMs <= MAX_TIMER_MS) timer = setTimeout(expire, waitMs);
  }
  return {
    signal: deadline.signal,
    expired: () => expired,
    dispose: () => {
      clearTimeout(timer);
      outer.removeEventListener("abort", onOuterAbort);
    },
  };
}
