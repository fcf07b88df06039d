"use client";

import { Title } from "@patternfly/react-core";
import { useEffect, useRef, type ReactNode } from "react";

/**
 * A page's main heading (h1). It takes the focus when the page mounts, so that after a
 * client-side navigation a screen reader announces the new page and keyboard users start from
 * its top, as after a full page load.
 *
 * @see https://www.w3.org/WAI/WCAG22/Techniques/general/G202
 */
export function PageHeading({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.querySelector("h1")?.focus({ preventScroll: true });
  }, []);
  return (
    <div ref={ref}>
      <Title headingLevel="h1" tabIndex={-1} data-testid="page-heading" style={{ outline: "none" }}>
        {children}
      </Title>
    </div>
  );
}
