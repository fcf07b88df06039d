"use client";

import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { ApiRequestError } from "./api/fetch-json";
import { retryDelay, shouldRetry } from "./api/retry";
import { sessionEndedSignInUrl } from "./live/live-state";

/**
 * Sends the browser to the sign-in page, saying the session has ended, on any 401 from the API
 * (the same page a live view sends it to when its stream is refused).
 */
function onApiError(error: unknown) {
  if (error instanceof ApiRequestError && error.status === 401) {
    const back = `${window.location.pathname}${window.location.search}`;
    // A full load on purpose: it drops every cached answer of the ended session.
    window.location.assign(sessionEndedSignInUrl(back));
  }
}

/** The client-side providers of every page: one react-query cache per browser tab. */
export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        queryCache: new QueryCache({ onError: onApiError }),
        mutationCache: new MutationCache({ onError: onApiError }),
        defaultOptions: {
          queries: { retry: shouldRetry, retryDelay, refetchOnWindowFocus: false },
        },
      }),
  );
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
