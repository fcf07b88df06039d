"use client";

import {
  Alert,
  Label,
  PageSection,
  Spinner,
  ToggleGroup,
  ToggleGroupItem,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import Link from "next/link";
import { useState } from "react";
import { PageHeading } from "../layout/page-heading";
import { ViewStatus } from "../overview/view-status";
import { detailHref } from "../resources/model";
import { NamespacePicker } from "../resources/namespace-picker";
import { SEVERITIES, type DashboardAlert, type Severity } from "./derive";
import { useAllNamespacesAlerts, useNamespaceAlerts, type AlertsViewData } from "./use-alerts";

const SEVERITY_COLOR: Record<Severity, "red" | "orange" | "blue"> = {
  critical: "red",
  warning: "orange",
  info: "blue",
};

const SOURCE_TEXT: Record<DashboardAlert["source"], string> = {
  condition: "Condition",
  event: "Warning Event",
  alertmanager: "Alertmanager",
};

/** The alert's severity as a coloured label. */
export function SeverityLabel({ severity }: { severity: Severity }) {
  return (
    <Label isCompact color={SEVERITY_COLOR[severity]}>
      {severity}
    </Label>
  );
}

/** Where the sources of alerts could not be read, once per message. */
export function SourceErrors({ errors }: { errors: readonly Error[] }) {
  const messages = [...new Set(errors.map((e) => e.message))];
  if (messages.length === 0) return null;
  return (
    <Alert
      isInline
      variant="warning"
      title="Some sources could not be read"
      data-testid="source-errors"
    >
      <ul>
        {messages.map((m) => (
          <li key={m}>{m}</li>
        ))}
      </ul>
    </Alert>
  );
}

/** The object an alert is about, linked, or its cluster, or a dash. */
function AlertTarget({ alert }: { alert: DashboardAlert }) {
  if (alert.object) {
    return (
      <Link href={detailHref(alert.object.plural, alert.namespace, alert.object.name)}>
        {alert.object.name}
      </Link>
    );
  }
  return <>{alert.cluster ?? "—"}</>;
}

/** What the page says about Alertmanager: included, unreadable (and why), or not configured. */
function alertmanagerText(state: AlertsViewData["alertmanager"]): string {
  if (state === undefined) return "";
  if (!state.configured) {
    return "No Alertmanager is configured: alerts come from the operator's conditions and Warning Events.";
  }
  return state.error ?? "Alertmanager's alerts are included.";
}

/**
 * The alerts of a namespace, or (`namespace` `""`, `?namespace=*`) of every namespace the user
 * may see: derived from conditions and Warning Events, plus Alertmanager's when one is
 * configured; filtered by severity.
 */
export function AlertsView({ namespace }: { namespace: string }) {
  return namespace === "" ? <AllNamespacesAlerts /> : <NamespaceAlerts namespace={namespace} />;
}

function NamespaceAlerts({ namespace }: { namespace: string }) {
  return <AlertsTable namespace={namespace} data={useNamespaceAlerts(namespace)} />;
}

function AllNamespacesAlerts() {
  return <AlertsTable namespace="" data={useAllNamespacesAlerts()} />;
}

function AlertsTable({ namespace, data }: { namespace: string; data: AlertsViewData }) {
  const { alerts, status, loading, errors, alertmanager } = data;
  const all = namespace === "";
  const [shown, setShown] = useState<ReadonlySet<Severity>>(new Set(SEVERITIES));
  const visible = alerts.filter((a) => shown.has(a.severity));
  const toggle = (s: Severity) =>
    setShown((current) => {
      const next = new Set(current);
      if (next.has(s)) next.delete(s);
      else next.add(s);
      return next;
    });
  return (
    <>
      <PageSection>
        <PageHeading>Alerts</PageHeading>
        <Toolbar>
          <ToolbarContent>
            <ToolbarItem>
              <NamespacePicker namespace={namespace} path="/alerts" allowAll />
            </ToolbarItem>
            <ToolbarItem>
              <ViewStatus view={status} />
            </ToolbarItem>
            <ToolbarItem>
              <ToggleGroup aria-label="Severity">
                {SEVERITIES.map((s) => (
                  <ToggleGroupItem
                    key={s}
                    text={`${s} (${alerts.filter((a) => a.severity === s).length})`}
                    buttonId={`severity-${s}`}
                    isSelected={shown.has(s)}
                    onChange={() => toggle(s)}
                  />
                ))}
              </ToggleGroup>
            </ToolbarItem>
          </ToolbarContent>
        </Toolbar>
        <p
          data-testid="alertmanager-status"
          data-state={
            alertmanager === undefined
              ? "loading"
              : !alertmanager.configured
                ? "not-configured"
                : alertmanager.error
                  ? "error"
                  : "included"
          }
        >
          {alertmanagerText(alertmanager)}
        </p>
      </PageSection>
      <PageSection>
        <SourceErrors errors={errors} />
        {loading && alerts.length === 0 ? (
          <Spinner aria-label="Loading alerts" />
        ) : visible.length === 0 ? (
          <p data-testid="no-alerts">
            No alerts{alerts.length > 0 ? " of the chosen severities" : ""}.
          </p>
        ) : (
          <Table aria-label="Alerts" variant="compact">
            <Thead>
              <Tr>
                <Th>Severity</Th>
                {all ? <Th>Namespace</Th> : null}
                <Th>Alert</Th>
                <Th>Message</Th>
                <Th>Object</Th>
                <Th>Source</Th>
                <Th>Since</Th>
              </Tr>
            </Thead>
            <Tbody>
              {visible.map((a) => (
                <Tr key={a.id} data-testid="alert-row" data-severity={a.severity}>
                  <Td dataLabel="Severity">
                    <SeverityLabel severity={a.severity} />
                  </Td>
                  {all ? <Td dataLabel="Namespace">{a.namespace}</Td> : null}
                  <Td dataLabel="Alert">{a.title}</Td>
                  <Td dataLabel="Message">{a.message}</Td>
                  <Td dataLabel="Object">
                    <AlertTarget alert={a} />
                  </Td>
                  <Td dataLabel="Source">{SOURCE_TEXT[a.source]}</Td>
                  <Td dataLabel="Since">{a.since ? new Date(a.since).toLocaleString() : "—"}</Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
      </PageSection>
    </>
  );
}
