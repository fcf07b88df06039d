import type { Page } from "@playwright/test";

/** What a stream read in the browser gave back. */
export interface StreamRead {
  status: number;
  headers: Record<string, string>;
  /** The raw `text/event-stream` body read so far. */
  text: string;
}

/**
 * Reads the watch stream in the page (with the page's session cookie) until `until` appears in
 * the body or `timeoutMs` milliseconds pass. `lastEventId` is sent as `Last-Event-ID`, as a
 * reconnecting EventSource does.
 */
export function readEventStream(
  page: Page,
  url: string,
  options: { until: string; timeoutMs: number; lastEventId?: string },
): Promise<StreamRead> {
  return page.evaluate(
    async ({ url, until, timeoutMs, lastEventId }) => {
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), timeoutMs);
      const headers: Record<string, string> = lastEventId ? { "Last-Event-ID": lastEventId } : {};
      const response = await fetch(url, { headers, signal: abort.signal });
      const out = {
        status: response.status,
        headers: Object.fromEntries(response.headers.entries()),
        text: "",
      };
      const reader = response.body?.getReader();
      const decoder = new TextDecoder();
      try {
        while (reader && !out.text.includes(until)) {
          const { done, value } = await reader.read();
          if (done) break;
          out.text += decoder.decode(value, { stream: true });
        }
      } catch {
        // aborted at the timeout: return what arrived
      } finally {
        clearTimeout(timer);
        abort.abort();
      }
      return out;
    },
    { url, ...options },
  );
}

/** The `id:` of the first event of a type in a raw stream. */
export function eventId(text: string, event: string): string | undefined {
  const frame = text.split("\n\n").find((f) => f.split("\n").includes(`event: ${event}`));
  return frame
    ?.split("\n")
    .find((line) => line.startsWith("id: "))
    ?.slice(4);
}
