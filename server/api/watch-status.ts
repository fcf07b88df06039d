import "server-only";
import { WATCH_EVENT, type StreamStatusEvent } from "@/lib/api/watch-events";
import { formatSseEvent } from "./sse";

/**
 * Tells the browser whether the upstream Kubernetes watch behind its stream is working: the SSE
 * connection to the dashboard can be fine while the apiserver is down, and the UI must then say
 * "Reconnecting…", not "Live". Sends a `status` event on each change of state only.
 */
export interface UpstreamStatus {
  /** A watch request was accepted: `status: live` unless already live. */
  established(): void;
  /** The watch failed and will be retried: `status: reconnecting` once per interruption. */
  interrupted(reason: string): void;
}

/**
 * @param send - writes one SSE frame to the stream.
 * @param now - the clock (tests pass their own).
 */
export function upstreamStatus(
  send: (frame: string) => void,
  now = () => new Date(),
): UpstreamStatus {
  let state: "connecting" | "live" | "reconnecting" = "connecting";
  const emit = (data: StreamStatusEvent) =>
    send(formatSseEvent({ event: WATCH_EVENT.status, data }));
  return {
    established() {
      if (state === "live") return;
      state = "live";
      emit({ state: "live" });
    },
    interrupted(reason) {
      if (state === "reconnecting") return;
      state = "reconnecting";
      emit({ state: "reconnecting", since: now().toISOString(), reason });
    },
  };
}
