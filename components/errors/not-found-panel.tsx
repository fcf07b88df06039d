"use client";

import { EmptyState, EmptyStateBody, EmptyStateFooter, PageSection } from "@patternfly/react-core";
import Link from "next/link";

/** "Not found", with a way back to the list. */
export function NotFoundPanel() {
  return (
    <PageSection>
      <EmptyState titleText="Not found" headingLevel="h1" status="warning">
        <EmptyStateBody data-testid="not-found">
          There is nothing at this address: the MySQL cluster does not exist, or the name in the
          address is not a valid one.
        </EmptyStateBody>
        <EmptyStateFooter>
          <Link className="pf-v6-c-button pf-m-primary" href="/mysqlclusters">
            Back to MySQL clusters
          </Link>
        </EmptyStateFooter>
      </EmptyState>
    </PageSection>
  );
}
