"use client";

import { Alert, AlertActionLink, PageSection } from "@patternfly/react-core";

/** What the error boundary of every page shows: what happened, and a way forward. */
export function PageError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <PageSection>
      <Alert
        variant="danger"
        title="This page failed to load"
        actionLinks={
          <>
            <AlertActionLink onClick={reset}>Try again</AlertActionLink>
            <AlertActionLink component="a" href="/mysqlclusters">
              Go to MySQL clusters
            </AlertActionLink>
          </>
        }
      >
        {error.digest ? `Reference: ${error.digest}` : error.message}
      </Alert>
    </PageSection>
  );
}
