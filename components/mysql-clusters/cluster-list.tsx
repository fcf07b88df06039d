"use client";

import {
  Button,
  Flex,
  FlexItem,
  PageSection,
  Spinner,
  TextInput,
  Title,
  Toolbar,
  ToolbarContent,
  ToolbarGroup,
  ToolbarItem,
} from "@patternfly/react-core";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ErrorPanel } from "../errors/error-panel";
import { LiveIndicator } from "../live/live-indicator";
import { ClusterTable } from "./cluster-table";
import { CreateClusterButton } from "./create-button";
import { useMySQLClusters } from "./use-mysql-clusters";

/** Chooses the namespace shown (kept in the URL, so that views can be shared). */
function NamespacePicker({ namespace }: { namespace: string }) {
  const router = useRouter();
  const [value, setValue] = useState(namespace);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        router.push(`/mysqlclusters?namespace=${encodeURIComponent(value.trim())}`);
      }}
    >
      <Flex flexWrap={{ default: "nowrap" }} spaceItems={{ default: "spaceItemsSm" }}>
        <FlexItem>
          <TextInput
            aria-label="Namespace"
            value={value}
            onChange={(_event, next) => setValue(next)}
            style={{ width: "12rem" }}
          />
        </FlexItem>
        <FlexItem>
          <Button type="submit" variant="secondary">
            Show
          </Button>
        </FlexItem>
      </Flex>
    </form>
  );
}

/** The MySQL clusters of a namespace, live from the watch stream. */
export function ClusterListView({ namespace }: { namespace: string }) {
  const { query, live } = useMySQLClusters(namespace);
  return (
    <>
      <PageSection>
        <Title headingLevel="h1">MySQL clusters</Title>
        <Toolbar>
          <ToolbarContent>
            <ToolbarItem>
              <NamespacePicker namespace={namespace} />
            </ToolbarItem>
            <ToolbarItem>
              <LiveIndicator state={live} />
            </ToolbarItem>
            <ToolbarGroup align={{ default: "alignEnd" }}>
              <ToolbarItem>
                <CreateClusterButton namespace={namespace} />
              </ToolbarItem>
            </ToolbarGroup>
          </ToolbarContent>
        </Toolbar>
      </PageSection>
      <PageSection>
        {query.isPending ? (
          <Spinner aria-label="Loading MySQL clusters" />
        ) : query.isError ? (
          <ErrorPanel error={query.error} onRetry={() => void query.refetch()} />
        ) : (
          <ClusterTable items={query.data.items} />
        )}
      </PageSection>
    </>
  );
}
