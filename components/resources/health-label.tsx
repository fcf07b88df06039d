"use client";

import { Label } from "@patternfly/react-core";
import { HEALTH_COLOR, HEALTH_TEXT, healthOf } from "./health";
import type { Resource } from "./model";

/**
 * A cluster's health as a label with its hint visible next to it (not only in a tooltip): a
 * Healthy that carries a hint ("replication not verified", "brokers not verified") is drawn
 * outlined, not plain green.
 */
export function HealthLabel({ object }: { object: Resource }) {
  const { health, hint } = healthOf(object);
  const qualified = health === "Healthy" && hint !== undefined;
  return (
    <span data-health={health}>
      <Label
        isCompact
        color={HEALTH_COLOR[health]}
        variant={qualified ? "outline" : "filled"}
        title={hint}
        data-testid="health-label"
      >
        {HEALTH_TEXT[health]}
      </Label>
      {hint ? (
        <small data-testid="health-hint" style={{ marginLeft: "0.5em" }}>
          {hint}
        </small>
      ) : null}
    </span>
  );
}
