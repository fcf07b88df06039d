"use client";

import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { ApiRequestError } from "./api/fetch-json";

/** Sends the browser to the sign-in page when the session has ended (any 401 from the API). */
function onApiError(error: unknown) {
  if (error instanceof ApiRequestError && error.status === 401) {
    const back = `${window.location.pathname}${window.location.search}`;
    // A full load on purpose: it drops every cached answer of the ended session.
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination
    window.location.assign(`/sign-in?callbackUrl=${encodeURIComponent(back)}`);
  }
}

/** Retries only what a retry can fix: network failures and 5xx, at most twice. */
function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiRequestError && error.status >= 400 && error.status < 500) return false;
  return failureCount < 2;
}

/** The client-side providers of every page: one react-query cache per browser tab. */
export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        queryCache: new QueryCache({ onError: onApiError }),
        mutationCache: new MutationCache({ onError: onApiError }),
        defaultOptions: {
          queries: { retry: shouldRetry, refetchOnWindowFocus: false },
        },
      }),
  );
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
