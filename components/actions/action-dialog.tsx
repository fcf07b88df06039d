"use client";

import {
  Alert,
  Button,
  Form,
  FormGroup,
  FormSelect,
  FormSelectOption,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
} from "@patternfly/react-core";
import { useState } from "react";
import type { ActionName } from "@/lib/api/kinds";
import { ApiRequestError } from "../api/fetch-json";

/** What the dialog asks before an action, and the body it sends. */
export interface ActionChoice {
  /** The field's label, e.g. "Backup to restore". */
  label: string;
  /** Body field the chosen value goes into, e.g. `backupName`. */
  field: string;
  options: readonly { value: string; label: string }[];
}

/** The words of each action's confirmation. */
export const ACTION_TEXT: Record<
  ActionName,
  { verb: string; consequence: string; question?: (target: string) => string }
> = {
  start: { verb: "Start", consequence: "Its servers are started again with their kept volumes." },
  stop: {
    verb: "Stop",
    consequence:
      "Its workloads scale to zero. Volumes, identities and credentials are kept; no data is deleted.",
  },
  backup: {
    verb: "Back up now",
    consequence: "A new backup run is created now.",
    question: (target) => `Back up ${target} now?`,
  },
  restore: {
    verb: "Restore",
    consequence: "Writes to the target cluster stop while the backup is restored into it.",
  },
  switchover: {
    verb: "Switch over",
    consequence: "The chosen replica becomes the primary; clients reconnect.",
  },
  pause: {
    verb: "Pause",
    consequence: "The operator stops reconciling it until resumed; spec changes wait.",
  },
  resume: { verb: "Resume", consequence: "The operator reconciles it again." },
};

/**
 * The confirmation of one action: what it does, an optional choice (backup to restore, replica
 * to promote, storage), and the API's refusal (e.g. 409 "a restore is running") shown in the
 * dialog, which stays open so the user can read it.
 */
export function ActionDialog({
  action,
  target,
  choice,
  pending,
  error,
  onConfirm,
  onClose,
}: {
  action: ActionName;
  /** "MySQL cluster orders". */
  target: string;
  choice?: ActionChoice;
  pending: boolean;
  error: Error | null;
  onConfirm: (body: Record<string, string>) => void;
  onClose: () => void;
}) {
  const text = ACTION_TEXT[action];
  const [value, setValue] = useState(choice?.options[0]?.value ?? "");
  const titleId = `action-${action}-title`;
  const bodyId = `action-${action}-body`;
  return (
    <Modal
      isOpen
      variant="small"
      onClose={onClose}
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      data-testid="action-dialog"
    >
      <ModalHeader
        title={text.question ? text.question(target) : `${text.verb} ${target}?`}
        labelId={titleId}
      />
      <ModalBody id={bodyId}>
        <p>{text.consequence}</p>
        {choice ? (
          <Form onSubmit={(e) => e.preventDefault()}>
            <FormGroup label={choice.label} fieldId={`action-${action}-choice`} isRequired>
              <FormSelect
                id={`action-${action}-choice`}
                value={value}
                onChange={(_event, next) => setValue(next)}
                aria-label={choice.label}
              >
                {choice.options.map((o) => (
                  <FormSelectOption key={o.value} value={o.value} label={o.label} />
                ))}
              </FormSelect>
            </FormGroup>
          </Form>
        ) : null}
        {error ? (
          <Alert
            isInline
            variant="danger"
            title={
              error instanceof ApiRequestError && error.status === 409
                ? "Refused: the resource is busy"
                : error instanceof ApiRequestError && error.status === 403
                  ? "Refused by Kubernetes RBAC"
                  : "The action failed"
            }
            data-testid="action-error"
            style={{ marginTop: "1rem" }}
          >
            {error.message}
          </Alert>
        ) : null}
      </ModalBody>
      <ModalFooter>
        <Button
          variant={action === "stop" || action === "restore" ? "danger" : "primary"}
          isLoading={pending}
          isDisabled={pending || (choice !== undefined && value === "")}
          onClick={() => onConfirm(choice ? { [choice.field]: value } : {})}
        >
          {text.verb}
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
