"use client";

import {
  Button,
  Flex,
  FlexItem,
  HelperText,
  HelperTextItem,
  Tooltip,
} from "@patternfly/react-core";
import { useRouter } from "next/navigation";
import type { KindInfo } from "@/lib/api/kinds";
import { kindTitle } from "./model";
import { decisionFor } from "./permissions";
import { useNamespacePermissions } from "./use-resources";

/**
 * "Create <kind>", enabled only when Kubernetes RBAC lets the user create objects of the kind in
 * the namespace; otherwise disabled, with the reason in a tooltip and as text beside it.
 */
export function CreateResourceButton({ kind, namespace }: { kind: KindInfo; namespace: string }) {
  const router = useRouter();
  const title = kindTitle(kind);
  const permissions = useNamespacePermissions(namespace);
  const decision = permissions.isError
    ? {
        allowed: false,
        reason: `Your permissions could not be checked: ${permissions.error.message}`,
      }
    : decisionFor(permissions.data, kind.plural, "create", title.plural);
  const reasonId = `create-${kind.plural}-reason`;
  const button = (
    <Button
      variant="primary"
      isAriaDisabled={!decision.allowed}
      style={{ whiteSpace: "nowrap" }}
      aria-describedby={decision.allowed ? undefined : reasonId}
      onClick={() => router.push(`/${kind.plural}/new?namespace=${encodeURIComponent(namespace)}`)}
    >
      Create {title.one}
    </Button>
  );
  if (decision.allowed) return button;
  return (
    <Flex alignItems={{ default: "alignItemsCenter" }} flexWrap={{ default: "nowrap" }}>
      <FlexItem>
        <Tooltip content={decision.reason} aria="none">
          {button}
        </Tooltip>
      </FlexItem>
      <FlexItem>
        <HelperText>
          <HelperTextItem id={reasonId} data-testid="create-disabled-reason">
            {decision.reason}
          </HelperTextItem>
        </HelperText>
      </FlexItem>
    </Flex>
  );
}
