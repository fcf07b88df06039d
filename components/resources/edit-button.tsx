"use client";

import { Button, Tooltip } from "@patternfly/react-core";
import Link from "next/link";
import type { KindInfo } from "@/lib/api/kinds";
import { kindTitle } from "./model";
import { decisionFor } from "./permissions";
import { useNamespacePermissions } from "./use-resources";

/** Kinds whose spec is a run's record and cannot be changed once created. */
const IMMUTABLE = new Set<string>(["mysqlbackups", "mysqlrestores"]);

/**
 * "Edit" on a detail page: opens the generated form (`/{plural}/{namespace}/{name}/edit`), enabled
 * only when Kubernetes RBAC lets the user update objects of the kind in the namespace (from the
 * namespace's batched permissions), otherwise disabled with the reason in a tooltip. Runs
 * (backups, restores) are records and have no edit.
 */
export function EditResourceButton({
  kind,
  namespace,
  name,
}: {
  kind: KindInfo;
  namespace: string;
  name: string;
}) {
  const permissions = useNamespacePermissions(namespace);
  if (IMMUTABLE.has(kind.plural)) return null;
  const title = kindTitle(kind);
  const decision = permissions.isError
    ? {
        allowed: false,
        reason: `Your permissions could not be checked: ${permissions.error.message}`,
      }
    : decisionFor(permissions.data, kind.plural, "update", title.plural);
  const href = `/${kind.plural}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/edit`;
  if (decision.allowed) {
    return (
      <Link href={href} className="pf-v6-c-button pf-m-secondary" data-testid="edit-resource">
        Edit
      </Link>
    );
  }
  const reasonId = `edit-${kind.plural}-reason`;
  return (
    <>
      <Tooltip content={decision.reason}>
        <Button
          variant="secondary"
          isAriaDisabled
          aria-describedby={reasonId}
          data-testid="edit-resource"
        >
          Edit
        </Button>
      </Tooltip>
      <span id={reasonId} className="pf-v6-screen-reader">
        {decision.reason}
      </span>
    </>
  );
}
