"use client";

import { LazyPageError } from "@/components/errors/boundary-panels";

/** The error boundary of every page: what happened, and a way forward. */
export default function ErrorBoundary({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return <LazyPageError error={error} reset={reset} />;
}
