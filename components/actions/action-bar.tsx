"use client";

import {
  Alert,
  Button,
  Flex,
  FlexItem,
  HelperText,
  HelperTextItem,
  Tooltip,
} from "@patternfly/react-core";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { z } from "zod";
import type { ActionName, KindPlural } from "@/lib/api/kinds";
import { fetchJson, postJson } from "../api/fetch-json";
import { at, kindOf, kindTitle, type Resource } from "../resources/model";
import { actionDecisionFor, decisionFor } from "../resources/permissions";
import { useNamespacePermissions } from "../resources/use-resources";
import { ACTION_TEXT, ActionDialog, type ActionChoice } from "./action-dialog";
import { availability, permissionFor, succeededBackupsOf, type ClusterRuns } from "./availability";

const enc = encodeURIComponent;

/** The choice an action asks for, from the object and its cluster's runs. */
function choiceFor(
  action: ActionName,
  object: Resource,
  runs: ClusterRuns,
): ActionChoice | undefined {
  const name = object.metadata.name;
  if (action === "restore" && object.kind === "MySQLCluster") {
    const options = succeededBackupsOf(name, runs.backups).map((b) => ({
      value: b.metadata.name,
      label: `${b.metadata.name}${typeof b.status?.completedAt === "string" ? ` (${new Date(b.status.completedAt).toLocaleString()})` : ""}`,
    }));
    return { label: "Backup to restore", field: "backupName", options };
  }
  if (action === "restore" && object.kind === "MySQLBackup") {
    const cluster = typeof object.spec.clusterName === "string" ? object.spec.clusterName : "";
    return {
      label: "Cluster to restore into",
      field: "clusterName",
      options: [{ value: cluster, label: cluster }],
    };
  }
  if (action === "switchover") {
    const primary = at(object, ["status", "primary"]);
    const replicas = typeof object.spec.replicas === "number" ? object.spec.replicas : 1;
    const options = Array.from({ length: replicas }, (_, i) => `${name}-${i}`)
      .filter((pod) => pod !== primary)
      .map((pod) => ({ value: pod, label: pod }));
    return { label: "Replica to promote", field: "targetInstance", options };
  }
  if (action === "backup") {
    const storages = z
      .array(z.object({ name: z.string() }))
      .safeParse(at(object, ["spec", "backup", "storages"]));
    if (!storages.success || storages.data.length === 0) return undefined;
    const options = storages.data.map((s) => ({ value: s.name, label: s.name }));
    return { label: "Storage", field: "storageName", options };
  }
  return undefined;
}

/** The request body of an action from the dialog's choice. */
function bodyFor(action: ActionName, object: Resource, chosen: Record<string, string>) {
  if (action === "restore" && object.kind === "MySQLBackup") {
    return { target: { clusterName: chosen.clusterName ?? "" } };
  }
  return chosen;
}

/**
 * The action buttons of one object (start, stop, backup, restore, switchover, pause, resume as
 * its kind allows). A button is disabled, with the reason beside it, when Kubernetes RBAC does
 * not allow the user (from the namespace's batched permissions) or when the object is busy (a
 * restore running, a backup running, being deleted). Each action asks for confirmation, shows
 * its progress, and shows the API's refusal (409 when it got busy meanwhile).
 */
export function ActionBar({
  plural,
  object,
  runs,
}: {
  plural: KindPlural;
  object: Resource;
  runs: ClusterRuns;
}) {
  const kind = kindOf(plural);
  const namespace = object.metadata.namespace ?? "";
  const name = object.metadata.name;
  const permissions = useNamespacePermissions(namespace);
  const [open, setOpen] = useState<ActionName | null>(null);
  const [requested, setRequested] = useState<{ action: ActionName; at: number } | null>(null);
  const mutation = useMutation({
    mutationFn: ({ action, body }: { action: ActionName; body: unknown }) =>
      fetchJson(
        `/api/v1/namespaces/${enc(namespace)}/${enc(plural)}/${enc(name)}/actions/${action}`,
        z.unknown(),
        postJson(body),
      ),
    // The object is not written from the action's answer: the watch brings the change, and the
    // operator's status updates can arrive on it before this answer does (the route records its
    // audit Event first), so writing the answer would put an older object back for good.
    onSuccess: (_answer, { action }) => {
      setRequested({ action, at: Date.now() });
      setOpen(null);
    },
  });
  const states = availability(object, kind.actions, runs);
  const target = `${kindTitle(kind).one} ${name}`;
  const shown = kind.actions.filter((a) => states[a]?.shown);
  const reasons: { action: ActionName; reason: string }[] = [];
  const buttons = shown.map((action) => {
    const need = permissionFor(plural, action);
    const decision = permissions.isError
      ? {
          allowed: false,
          reason: `Your permissions could not be checked: ${permissions.error.message}`,
        }
      : (actionDecisionFor(permissions.data, plural, action) ??
        decisionFor(
          permissions.data,
          need.plural,
          need.verb,
          kindTitle(kindOf(need.plural as KindPlural)).plural,
        ));
    const reason = !decision.allowed ? decision.reason : states[action]?.blockedBy;
    if (reason) reasons.push({ action, reason });
    const button = (
      <Button
        variant={action === "stop" ? "danger" : "secondary"}
        isAriaDisabled={reason !== undefined}
        aria-describedby={reason ? `action-reason-${action}` : undefined}
        isLoading={mutation.isPending && mutation.variables.action === action}
        data-testid={`action-${action}`}
        onClick={() => {
          mutation.reset();
          setOpen(action);
        }}
      >
        {ACTION_TEXT[action].verb}
      </Button>
    );
    return (
      <FlexItem key={action}>
        {reason ? (
          <Tooltip content={reason} aria="none">
            {button}
          </Tooltip>
        ) : (
          button
        )}
      </FlexItem>
    );
  });
  if (shown.length === 0) return null;
  return (
    <div aria-label="Actions" role="group">
      <Flex spaceItems={{ default: "spaceItemsSm" }}>{buttons}</Flex>
      {reasons.length > 0 ? (
        <HelperText style={{ marginTop: "0.5rem" }} data-testid="action-reasons">
          {reasons.map(({ action, reason }) => (
            <HelperTextItem
              key={action}
              id={`action-reason-${action}`}
              data-testid={`action-reason-${action}`}
            >
              {ACTION_TEXT[action].verb}: {reason}
            </HelperTextItem>
          ))}
        </HelperText>
      ) : null}
      {requested ? (
        <Alert
          isInline
          isPlain
          variant="info"
          title={`${ACTION_TEXT[requested.action].verb} requested at ${new Date(requested.at).toLocaleTimeString()}; the status below follows the operator's progress.`}
          data-testid="action-requested"
          style={{ marginTop: "0.5rem" }}
        />
      ) : null}
      {open ? (
        <ActionDialog
          key={open}
          action={open}
          target={target}
          choice={choiceFor(open, object, runs)}
          pending={mutation.isPending}
          error={mutation.error}
          onConfirm={(chosen) =>
            mutation.mutate({ action: open, body: bodyFor(open, object, chosen) })
          }
          onClose={() => setOpen(null)}
        />
      ) : null}
    </div>
  );
}
