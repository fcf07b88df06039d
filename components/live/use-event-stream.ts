"use client";

import { useEffect, useReducer, useRef } from "react";
import {
  StreamErrorEventSchema,
  StreamStatusEventSchema,
  WATCH_EVENT,
} from "@/lib/api/watch-events";
import {
  initialLiveState,
  isSignedInSession,
  liveReducer,
  REAUTHORIZE_ERROR_CODE,
  sessionEndedSignInUrl,
  type LiveState,
} from "./live-state";

/** Backoff of reconnects after the stream was closed for good, in milliseconds. */
const RETRY_INITIAL_MS = 2_000;
const RETRY_MAX_MS = 30_000;

export interface EventStreamOptions {
  /** Open the stream only when true (e.g. once the initial list has arrived). */
  enabled: boolean;
  /** The stream is reopened when this changes (namespace, name). */
  streamKey: string;
  /** The stream URL, resuming after `lastEventId` when there is one. */
  url: (lastEventId: string | undefined) => string;
  /** Listeners by event name; `event.lastEventId` is the event's resourceVersion. */
  handlers: Record<string, (event: MessageEvent<string>) => void>;
}

/**
 * Keeps an EventSource open and reports whether the view is live. The view is live only once the
 * server says its upstream Kubernetes watch is established (`status: live`), not when the
 * connection to the dashboard opens, and reconnecting when the server says the watch is lost
 * (`status: reconnecting`, e.g. the apiserver is down). The browser reconnects by
 * itself after a dropped connection (sending `Last-Event-ID`); when the stream is closed for
 * good (an HTTP error, or the server's `stream-error` event) this hook reopens it with backoff
 * from the last event's id.
 *
 * Token expiry: the server ends a stream when the access token that opened it expires
 * (`stream-error` with code `Unauthorized`). The browser then reconnects by itself with
 * `Last-Event-ID`; that request refreshes the token and resumes without a gap. When the session
 * has ended instead, the reconnect is refused (401) and, since an EventSource cannot read the
 * status, the hook asks `/api/auth/session` and sends the browser to sign in.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#the-eventsource-interface
 */
export function useEventStream(options: EventStreamOptions): LiveState {
  const [state, dispatch] = useReducer(liveReducer, initialLiveState);
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });
  const { enabled, streamKey } = options;

  useEffect(() => {
    if (!enabled) return;
    let source: EventSource | undefined;
    let lastEventId: string | undefined;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let retryMs = RETRY_INITIAL_MS;

    let stopped = false;
    /** After a refused connection: if the session has ended, go to sign-in. */
    const checkSession = async (): Promise<boolean> => {
      try {
        const response = await fetch("/api/auth/session", { cache: "no-store" });
        if (!response.ok) return true; // cannot tell: keep retrying the stream
        if (isSignedInSession(await response.json())) return true;
      } catch {
        return true; // the dashboard is unreachable: not a sign-out
      }
      if (stopped) return false;
      const here = `${window.location.pathname}${window.location.search}`;
      dispatch({
        type: "closed",
        at: Date.now(),
        reason: "Your session has ended: sign in again.",
      });
      window.location.assign(sessionEndedSignInUrl(here));
      return false;
    };

    const giveUp = (reason?: string) => {
      source?.close();
      dispatch({ type: "closed", at: Date.now(), reason });
      retryTimer = setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
    };
    function connect() {
      const es = new EventSource(latest.current.url(lastEventId));
      source = es;
      es.onopen = () => {
        retryMs = RETRY_INITIAL_MS;
      };
      es.addEventListener(WATCH_EVENT.status, (event: MessageEvent<string>) => {
        const parsed = StreamStatusEventSchema.safeParse(safeJson(event.data));
        if (!parsed.success) return;
        const status = parsed.data;
        if (status.state === "live") dispatch({ type: "open", at: Date.now() });
        else dispatch({ type: "interrupted", at: Date.parse(status.since), reason: status.reason });
      });
      es.onerror = () => {
        if (es.readyState !== EventSource.CLOSED) {
          dispatch({ type: "interrupted", at: Date.now() });
          return;
        }
        // Refused (e.g. 401 after the session ended, 403, 5xx): see whether still signed in.
        source?.close();
        void checkSession().then((signedIn) => {
          if (signedIn && !stopped) giveUp();
        });
      };
      for (const name of Object.keys(latest.current.handlers)) {
        es.addEventListener(name, (event: MessageEvent<string>) => {
          if (event.lastEventId) lastEventId = event.lastEventId;
          latest.current.handlers[name]?.(event);
        });
      }
      es.addEventListener(WATCH_EVENT.streamError, (event: MessageEvent<string>) => {
        const parsed = StreamErrorEventSchema.safeParse(safeJson(event.data));
        // The access token expired: the server closes the stream and the browser reconnects
        // with Last-Event-ID, which refreshes the token and re-authorizes (or gets a 401).
        if (parsed.success && parsed.data.error.code === REAUTHORIZE_ERROR_CODE) return;
        if (parsed.success && parsed.data.error.code === "Forbidden") {
          dispatch({ type: "refused", at: Date.now(), reason: parsed.data.error.message });
        }
        giveUp(parsed.success ? parsed.data.error.message : "The live stream stopped.");
      });
    }
    connect();
    return () => {
      stopped = true;
      clearTimeout(retryTimer);
      source?.close();
    };
  }, [enabled, streamKey]);

  return state;
}

/** `JSON.parse` that yields `undefined` instead of throwing. */
export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
