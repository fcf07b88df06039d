import { ApiRequestError } from "./fetch-json";

/**
 * When react-query retries a failed query. The dashboard or Kubernetes being unreachable (status
 * 0, 502, 503, 504) is retried without end, with backoff, so a page opened while the apiserver
 * is down recovers by itself once it is back; other 4xx are final (a retry cannot fix them);
 * anything else is retried twice.
 */

/** Statuses that mean "not reachable right now". */
const TRANSIENT = new Set([0, 502, 503, 504]);

/** Longest pause between retries, in milliseconds. */
export const MAX_RETRY_DELAY_MS = 30_000;

/** Whether to retry after `failureCount` failures, the last being `error`. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiRequestError) {
    if (TRANSIENT.has(error.status)) return true;
    if (error.status >= 400 && error.status < 500) return false;
  }
  return failureCount < 2;
}

/** Pause before retry number `attempt` (0-based), in milliseconds: 1 s, 2 s, 4 s … 30 s. */
export function retryDelay(attempt: number): number {
  return Math.min(1_000 * 2 ** attempt, MAX_RETRY_DELAY_MS);
}

/** The HTTP status and message of a query's failure, for the live indicator. */
export function failureOf(error: Error | null): { status: number; message: string } | null {
  if (!error) return null;
  return { status: error instanceof ApiRequestError ? error.status : 0, message: error.message };
}
