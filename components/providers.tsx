"use client";

import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { ApiRequestError } from "./api/fetch-json";
import { retryDelay, shouldRetry } from "./api/retry";

/** Sends the browser to the sign-in page when the session has ended (any 401 from the API). */
function onApiError(error: unknown) {
  if (error instanceof ApiRequestError && error.status === 401) {
    const back = `${window.location.pathname}${window.location.search}`;
    // A full load on purpose: it drops every cached answer of the ended session.
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination
    window.location.assign(`/sign-in?callbackUrl=${encodeURIComponent(back)}`);
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
