"use client";

import { Alert, AlertActionLink } from "@patternfly/react-core";
import { ApiRequestError } from "../api/fetch-json";

/** Title of an API failure, by HTTP status. */
function titleOf(error: Error): string {
  if (!(error instanceof ApiRequestError)) return "Something went wrong";
  switch (error.status) {
    case 0:
      return "The dashboard cannot be reached";
    case 401:
      return "Your session has ended";
    case 403:
      return "Kubernetes refused access";
    case 404:
      return "Not found";
    case 503:
      return "Kubernetes cannot be reached";
    default:
      return `The request failed (${error.status})`;
  }
}

/**
 * An error with a way forward: the server's message, and a retry or sign-in action — or, with
 * `retrying`, the note that the page is retrying by itself (the apiserver or the dashboard is
 * unreachable and the load is retried with backoff).
 */
export function ErrorPanel({
  error,
  onRetry,
  retrying = false,
}: {
  error: Error;
  onRetry?: () => void;
  retrying?: boolean;
}) {
  const signIn = error instanceof ApiRequestError && error.status === 401;
  const actions = signIn ? (
    <AlertActionLink component="a" href="/sign-in">
      Sign in again
    </AlertActionLink>
  ) : onRetry ? (
    <AlertActionLink onClick={onRetry}>Try again</AlertActionLink>
  ) : undefined;
  return (
    <Alert
      isInline
      variant={retrying ? "warning" : "danger"}
      title={titleOf(error)}
      actionLinks={retrying ? undefined : actions}
      data-testid="error-panel"
    >
      {error.message}
      {retrying ? " Retrying automatically; this page recovers by itself when it is back." : ""}
    </Alert>
  );
}
