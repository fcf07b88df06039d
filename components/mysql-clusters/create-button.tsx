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
import { useCreatePermission } from "./use-mysql-clusters";

/**
 * "Create MySQL cluster", enabled only when Kubernetes RBAC lets the user create MySQLClusters
 * in the namespace; otherwise disabled, with the reason in a tooltip and as text beside it.
 */
export function CreateClusterButton({ namespace }: { namespace: string }) {
  const router = useRouter();
  const { allowed, reason } = useCreatePermission(namespace);

  const button = (
    <Button
      variant="primary"
      isAriaDisabled={!allowed}
      style={{ whiteSpace: "nowrap" }}
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
