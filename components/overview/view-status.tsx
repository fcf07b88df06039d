"use client";

import { Label, Tooltip } from "@patternfly/react-core";
import { LiveIndicator } from "../live/live-indicator";
import type { AllNamespacesList } from "../resources/use-resources";
import { ALL_NAMESPACES_REFRESH_MS } from "../resources/use-resources";

/**
 * How current an all-namespaces view is: the live indicator when it is fed by watch streams,
 * else "Refreshed <time>" from the last read of the polled list (never "Live" while polling);
 * a failing read shows as stale or refused like any view.
 */
export function ViewStatus({
  view,
}: {
  view: Pick<AllNamespacesList, "mode" | "live" | "refreshedAt">;
}) {
  const failing =
    view.live.status === "refused" ||
    view.live.status === "stale" ||
    view.live.status === "reconnecting";
  if (view.mode === "live" || failing) return <LiveIndicator state={view.live} />;
  const at = view.refreshedAt > 0 ? new Date(view.refreshedAt).toLocaleTimeString() : null;
  return (
    <Tooltip
      content={`Too many namespaces to watch live: read again every ${ALL_NAMESPACES_REFRESH_MS / 1000} s.`}
    >
      <Label color="blue" data-testid="live-status" data-status="polling">
        {at ? `Refreshed ${at}` : "Loading…"}
      </Label>
    </Tooltip>
  );
}
