"use client";

import { EmptyState, EmptyStateBody, EmptyStateFooter, PageSection } from "@patternfly/react-core";
import Link from "next/link";

/**
 * "Not found" for any address of the app (an unknown page or resource type, an invalid name, an
 * object that does not exist), with a way back to the overview. The wording names no kind: the
 * same panel answers `/nosuchkind` and `/mysqlclusters/demo/gone`.
 */
export function NotFoundPanel() {
  return (
    <PageSection>
      <EmptyState titleText="Not found" headingLevel="h1" status="warning">
        <EmptyStateBody data-testid="not-found">
          There is nothing at this address: the page or the resource does not exist, or the name in
          the address is not a valid one.
        </EmptyStateBody>
        <EmptyStateFooter>
          <Link className="pf-v6-c-button pf-m-primary" href="/">
            Back to the overview
          </Link>
        </EmptyStateFooter>
      </EmptyState>
    </PageSection>
  );
}
