"use client";

import {
  Alert,
  Button,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  Tooltip,
} from "@patternfly/react-core";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { z } from "zod";
import type { KindInfo } from "@/lib/api/kinds";
import { fetchJson } from "../api/fetch-json";
import { at, kindTitle, type Resource } from "./model";
import { decisionFor } from "./permissions";
import { useNamespacePermissions } from "./use-resources";

const DeleteAnswerSchema = z.object({ finalizing: z.boolean().optional() }).loose();

/** What deleting does to the data, in the user's words (from `spec.deletionPolicy`). */
export function deletionConsequence(kind: KindInfo, object: Resource): string {
  if (!kind.isCluster) {
    if (kind.plural === "mysqlbackups")
      return "The record is deleted; the operator also deletes its object in storage.";
    if (kind.plural === "kafkatopics")
      return "The topic and all its messages are deleted from the Kafka cluster.";
    if (kind.plural === "kafkausers")
      return "The user's credentials and ACLs are removed; its clients can no longer connect.";
    return "The record is deleted.";
  }
  const policy = at(object, ["spec", "deletionPolicy"]);
  if (policy === "Delete")
    return "deletionPolicy is Delete: its volumes and credentials are deleted.";
  if (policy === "BackupThenDelete")
    return "deletionPolicy is BackupThenDelete: a final backup is taken, then its volumes are deleted.";
  return "deletionPolicy is Retain: its volumes and credentials are kept.";
}

/**
 * "Delete" on a detail page: asks for confirmation (saying what happens to the data), sends
 * `DELETE /api/v1/namespaces/{ns}/{plural}/{name}`, and goes back to the list. Disabled with the
 * RBAC reason when the user may not delete; the API's refusal is shown in the dialog.
 */
export function DeleteResourceButton({ kind, object }: { kind: KindInfo; object: Resource }) {
  const namespace = object.metadata.namespace ?? "";
  const name = object.metadata.name;
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const permissions = useNamespacePermissions(namespace);
  const title = kindTitle(kind);
  const mutation = useMutation({
    mutationFn: () =>
      fetchJson(
        `/api/v1/namespaces/${encodeURIComponent(namespace)}/${kind.plural}/${encodeURIComponent(name)}`,
        DeleteAnswerSchema,
        { method: "DELETE" },
      ),
    onSuccess: () => {
      setOpen(false);
      router.push(`/${kind.plural}?namespace=${encodeURIComponent(namespace)}`);
    },
  });
  const decision = permissions.isError
    ? {
        allowed: false,
        reason: `Your permissions could not be checked: ${permissions.error.message}`,
      }
    : decisionFor(permissions.data, kind.plural, "delete", title.plural);
  const reasonId = `delete-${kind.plural}-reason`;
  if (object.metadata.deletionTimestamp) return null;
  const button = (
    <Button
      variant="danger"
      isAriaDisabled={!decision.allowed}
      aria-describedby={decision.allowed ? undefined : reasonId}
      onClick={() => setOpen(true)}
      data-testid="delete-resource"
    >
      Delete
    </Button>
  );
  return (
    <>
      {decision.allowed ? (
        button
      ) : (
        <>
          <Tooltip content={decision.reason}>{button}</Tooltip>
          <span id={reasonId} className="pf-v6-screen-reader">
            {decision.reason}
          </span>
        </>
      )}
      <Modal
        variant="small"
        isOpen={open}
        onClose={() => setOpen(false)}
        aria-labelledby="delete-title"
      >
        <ModalHeader
          title={`Delete ${title.one} ${name}?`}
          labelId="delete-title"
          titleIconVariant="warning"
        />
        <ModalBody>
          <p>{deletionConsequence(kind, object)}</p>
          {mutation.isError ? (
            <Alert isInline variant="danger" title="Not deleted" style={{ marginTop: "1rem" }}>
              {mutation.error.message}
            </Alert>
          ) : null}
        </ModalBody>
        <ModalFooter>
          <Button
            variant="danger"
            isLoading={mutation.isPending}
            isDisabled={mutation.isPending}
            onClick={() => mutation.mutate()}
          >
            Delete
          </Button>
          <Button variant="link" onClick={() => setOpen(false)}>
            Cancel
          </Button>
        </ModalFooter>
      </Modal>
    </>
  );
}
