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
import { usePermissions } from "./use-mysql-clusters";

/**
 * "Create MySQL cluster", enabled only when Kubernetes RBAC lets the user create MySQLClusters
 * in the namespace; otherwise disabled, with the reason in a tooltip and as text beside it.
 */
export function CreateClusterButton({ namespace }: { namespace: string }) {
  const router = useRouter();
  const permissions = usePermissions(namespace);
  const decision = permissions.data?.mysqlclusters.create;
  const allowed = decision?.allowed === true;
  const reason = permissions.isPending
    ? "Checking your permissions…"
    : permissions.isError
      ? `Your permissions could not be checked: ${permissions.error.message}`
      : (decision?.reason ?? "");

  const button = (
    <Button
      variant="primary"
      isAriaDisabled={!allowed}
      aria-describedby={allowed ? undefined : "create-cluster-reason"}
      onClick={() => router.push(`/mysqlclusters/new?namespace=${encodeURIComponent(namespace)}`)}
    >
      Create MySQL cluster
    </Button>
  );
  if (allowed) return button;
  return (
    <Flex alignItems={{ default: "alignItemsCenter" }} flexWrap={{ default: "nowrap" }}>
      <FlexItem>
        <Tooltip content={reason}>{button}</Tooltip>
      </FlexItem>
      <FlexItem>
        <HelperText>
          <HelperTextItem id="create-cluster-reason" data-testid="create-disabled-reason">
            {reason}
          </HelperTextItem>
        </HelperText>
      </FlexItem>
    </Flex>
  );
}
