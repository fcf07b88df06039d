"use client";

import {
  Alert,
  CodeBlock,
  CodeBlockCode,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Label,
  Title,
} from "@patternfly/react-core";
import Link from "next/link";
import type { ReactNode } from "react";
import { stringify } from "yaml";
import { blockersOf, generationText } from "./blockers";
import { lastSwitchoverOf, SWITCHOVER_OUTCOME_STATUS } from "./health";
import { HealthLabel } from "./health-label";
import { LocalTime } from "./local-time";
import { ReadyLabel } from "./columns";
import {
  at,
  clusterNameOf,
  detailHref,
  stopStateOf,
  lastBackupOf,
  lastFailedBackupOf,
  phaseOf,
  replicasText,
  type Resource,
} from "./model";

/** A term/description list from pairs (pairs with an `undefined` value are left out). */
function Fields({ label, items }: { label: string; items: [string, ReactNode | undefined][] }) {
  return (
    <DescriptionList aria-label={label} isHorizontal isCompact>
      {items
        .filter(([, value]) => value !== undefined)
        .map(([term, value]) => (
          <DescriptionListGroup key={term}>
            <DescriptionListTerm>{term}</DescriptionListTerm>
            <DescriptionListDescription>{value}</DescriptionListDescription>
          </DescriptionListGroup>
        ))}
    </DescriptionList>
  );
}

const str = (v: unknown) => (typeof v === "string" ? v : undefined);

/** The cluster kind a child object's cluster is of. */
const clusterPluralOf = (o: Resource) =>
  o.kind.startsWith("Kafka") ? "kafkaclusters" : "mysqlclusters";

/**
 * A MySQLCluster's last switchover request: "to orders-1 — [Refused]: <message> (<local time>)",
 * the outcome as a status label (a refusal a warning, a failure a danger); `undefined` when none
 * is recorded.
 */
function lastSwitchoverText(object: Resource): ReactNode | undefined {
  const last = lastSwitchoverOf(object);
  if (!last) return undefined;
  return (
    <span data-testid="detail-last-switchover" data-outcome={last.outcome}>
      to {last.to} —{" "}
      <Label isCompact status={SWITCHOVER_OUTCOME_STATUS[last.outcome]}>
        {last.outcome}
      </Label>
      : {last.message} (<LocalTime value={last.at} />)
    </span>
  );
}

/** The object's key facts: phase, readiness, cluster, generation applied or not. */
export function StatusSummary({ object }: { object: Resource }) {
  const { metadata, status } = object;
  const cluster = object.kind.endsWith("Cluster") ? undefined : clusterNameOf(object);
  const namespace = metadata.namespace ?? "";
  const lastBackup = lastBackupOf(object);
  const lastFailed = lastFailedBackupOf(object);
  const stopped = stopStateOf(object) === "stopped";
  const primary = str(at(status, ["primary"]));
  return (
    <Fields
      label="Status"
      items={[
        [
          "Phase",
          <span key="p" data-testid="detail-phase">
            {phaseOf(object)}
          </span>,
        ],
        [
          "Ready",
          stopped ? (
            <Label key="r" isCompact data-testid="detail-stopped" title="Stopped on purpose">
              Stopped
            </Label>
          ) : (
            <ReadyLabel key="r" object={object} />
          ),
        ],
        [
          "Cluster",
          cluster ? (
            <Link href={detailHref(clusterPluralOf(object), namespace, cluster)}>{cluster}</Link>
          ) : undefined,
        ],
        [
          "Health",
          object.kind.endsWith("Cluster") ? <HealthLabel key="h" object={object} /> : undefined,
        ],
        ["Ready replicas", replicasText(object)],
        ["Primary", stopped && primary ? "— (stopped)" : primary],
        ["Last switchover", lastSwitchoverText(object)],
        [
          "Last successful backup",
          object.kind === "MySQLCluster" ? (
            lastBackup ? (
              <span key="b" data-testid="detail-last-backup">
                <Link href={detailHref("mysqlbackups", namespace, lastBackup.name)}>
                  {lastBackup.name}
                </Link>{" "}
                at {new Date(lastBackup.completedAt).toLocaleString()}
              </span>
            ) : (
              <span key="b" data-testid="detail-last-backup">
                no successful backup
              </span>
            )
          ) : undefined,
        ],
        [
          "Last failed backup",
          lastFailed ? (
            <span key="f" data-testid="detail-last-failed-backup">
              <Link href={detailHref("mysqlbackups", namespace, lastFailed.name)}>
                {lastFailed.name}
              </Link>{" "}
              at <LocalTime value={lastFailed.completedAt} />
            </span>
          ) : undefined,
        ],
        [
          "Generation",
          <span key="g" data-testid="detail-generation">
            {generationText(object)}
          </span>,
        ],
      ]}
    />
  );
}

/** Why the object is stuck (deletion waiting for a finalizer, paused, failing conditions). */
export function BlockersPanel({ object }: { object: Resource }) {
  const blockers = blockersOf(object);
  if (blockers.length === 0) return null;
  return (
    <Alert
      isInline
      variant="warning"
      title="Needs attention"
      data-testid="blockers"
      style={{ marginBottom: "1rem" }}
    >
      <ul>
        {blockers.map((b) => (
          <li key={b.title} data-testid="blocker">
            <strong>{b.title}</strong>
            {b.detail ? ` — ${b.detail}` : ""}
          </li>
        ))}
      </ul>
    </Alert>
  );
}

/** A part of the object (spec, status, metadata) as YAML, as `kubectl get -o yaml` shows it. */
export function YamlBlock({ title, value }: { title: string; value: unknown }) {
  return (
    <section aria-label={title} style={{ marginTop: "1.5rem" }}>
      <Title headingLevel="h2">{title}</Title>
      {value === undefined ? (
        <p>Not reported yet.</p>
      ) : (
        <CodeBlock>
          <CodeBlockCode data-testid={`yaml-${title.toLowerCase()}`}>
            {stringify(value, { indent: 2 })}
          </CodeBlockCode>
        </CodeBlock>
      )}
    </section>
  );
}
