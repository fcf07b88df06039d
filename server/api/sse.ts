import "server-only";

/**
 * Server-Sent Events framing: `id`, `event`, `retry` and `data` fields, one per line, ended by a
 * blank line. A value may not contain a line break (it would end the field), so data with line
 * breaks is split into several `data:` lines — the browser joins them with `\n` again.
 *
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */

export interface SseEvent {
  /** Becomes the EventSource's last event ID and is sent back as `Last-Event-ID` on reconnect. */
  id?: string;
  /** Event type; the browser dispatches it to `addEventListener(event, ...)`. */
  event?: string;
  /** Serialized with `JSON.stringify` unless already a string. */
  data: unknown;
  /** Reconnection delay the browser should use, in milliseconds. */
  retry?: number;
}

const LINE_BREAK = /\r\n|\r|\n/;

/** Rejects values that would break a single-line field (`id`, `event`). */
function singleLine(name: string, value: string): string {
  if (LINE_BREAK.test(value) || value.includes("\0")) {
    throw new Error(`SSE ${name} must be one line without NUL`);
  }
  return value;
}

/**
 * Formats one event.
 *
 * @throws Error when `id` or `event` contains a line break or NUL.
 */
export function formatSseEvent(event: SseEvent): string {
  let frame = "";
  if (event.id !== undefined) frame += `id: ${singleLine("id", event.id)}\n`;
  if (event.event !== undefined) frame += `event: ${singleLine("event", event.event)}\n`;
  if (event.retry !== undefined) frame += `retry: ${Math.max(0, Math.floor(event.retry))}\n`;
  const data = typeof event.data === "string" ? event.data : JSON.stringify(event.data);
  for (const line of data.split(LINE_BREAK)) frame += `data: ${line}\n`;
  return `${frame}\n`;
}

/** A comment line: ignored by the browser, keeps proxies and the connection from idling out. */
export function formatSseComment(text: string): string {
  return `: ${text.replace(/\r\n|\r|\n/g, " ")}\n\n`;
}

/** Only the reconnection delay, in milliseconds. */
export function formatSseRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.floor(ms))}\n\n`;
}

/** Response headers of an event stream: no caching, no compression, no proxy buffering. */
export const SSE_HEADERS: Record<string, string> = {
  "Content-Type": "text/event-stream; charset=utf-8",
  // no-transform keeps compression middleware (and proxies) from buffering the stream.
  "Cache-Control": "no-cache, no-transform",
  // nginx: do not buffer this response.
  "X-Accel-Buffering": "no",
};
