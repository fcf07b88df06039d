"use client";

import { Label, Tooltip } from "@patternfly/react-core";
import type { LiveState } from "./live-state";

const time = (ms: number | null) => (ms === null ? "" : new Date(ms).toLocaleTimeString());

/** The words and colour for a live state, e.g. "Stale since 12:03:04". */
export function describeLive(state: LiveState): {
  text: string;
  color: "green" | "orange" | "red" | "grey";
} {
  switch (state.status) {
    case "connecting":
      return { text: "Connecting…", color: "grey" };
    case "live":
      return { text: "Live", color: "green" };
    case "reconnecting":
      return {
        text: state.since ? `Reconnecting… (data as of ${time(state.since)})` : "Reconnecting…",
        color: "orange",
      };
    case "stale":
      return {
        text: state.since ? `Stale since ${time(state.since)}` : "Not live",
        color: "red",
      };
    case "refused":
      return { text: "Not live: access refused", color: "red" };
  }
}

/** Shows whether the view on screen is live, reconnecting, or stale since a time. */
export function LiveIndicator({ state }: { state: LiveState }) {
  const { text, color } = describeLive(state);
  const label = (
    <Label color={color} data-testid="live-status" data-status={state.status}>
      {text}
    </Label>
  );
  const tip =
    state.reason ??
    (state.status === "live"
      ? `Live since ${time(state.since)}: changes appear as they happen.`
      : "");
  return tip ? <Tooltip content={tip}>{label}</Tooltip> : label;
}
