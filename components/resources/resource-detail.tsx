"use client";

import {
  Alert,
  Breadcrumb,
  BreadcrumbItem,
  Flex,
  FlexItem,
  PageSection,
  Spinner,
  Title,
} from "@patternfly/react-core";
import Link from "next/link";
import type { ReactNode } from "react";
import type { KindPlural } from "@/lib/api/kinds";
import { ActionBar } from "../actions/action-bar";
import type { ClusterRuns } from "../actions/availability";
import { ErrorPanel } from "../errors/error-panel";
import { PageHeading } from "../layout/page-heading";
import { LiveIndicator } from "../live/live-indicator";
import { ConditionsTable } from "./conditions-table";
import { DeleteResourceButton } from "./delete-button";
import { EditResourceButton } from "./edit-button";
import { BlockersPanel, StatusSummary, YamlBlock } from "./detail-summary";
import { kindOf, kindTitle, type Resource } from "./model";
import { ChildrenSection, EventsSection, PodsSection } from "./related-sections";
import { useResource, useResourceList } from "./use-resources";

const NO_RUNS: ClusterRuns = { backups: [], restores: [] };

/** The sections every kind has; `runs` feed the actions' busy rules, `children` go last. */
function DetailBody({
  plural,
  object,
  runs,
  children,
}: {
  plural: KindPlural;
  object: Resource;
  runs: ClusterRuns;
  children?: ReactNode;
}) {
  const namespace = object.metadata.namespace ?? "";
  const name = object.metadata.name;
  const kind = kindOf(plural);
  const { conditions, ...status } = object.status ?? {};
  const hasPods = kind.isCluster || plural === "mysqlbackups" || plural === "mysqlrestores";
  return (
    <PageSection>
      <ActionBar plural={plural} object={object} runs={runs} />
      <div style={{ marginTop: "1rem" }}>
        <BlockersPanel object={object} />
      </div>
      <Title headingLevel="h2">Status</Title>
      <StatusSummary object={object} />
      <section aria-label="Conditions" style={{ marginTop: "1.5rem" }}>
        <Title headingLevel="h2">Conditions</Title>
        <ConditionsTable conditions={conditions ?? []} generation={object.metadata.generation} />
      </section>
      {children}
      {hasPods ? (
        <PodsSection
          plural={plural}
          namespace={namespace}
          name={name}
          resourceVersion={object.metadata.resourceVersion}
        />
      ) : null}
      <EventsSection
        plural={plural}
        namespace={namespace}
        name={name}
        resourceVersion={object.metadata.resourceVersion}
      />
      <YamlBlock title="Spec" value={object.spec} />
      <YamlBlock title="Status" value={object.status ? status : undefined} />
    </PageSection>
  );
}

/** A MySQL cluster: its backup history and restores (live), which also make it busy. */
function MySQLClusterBody({ object }: { object: Resource }) {
  const namespace = object.metadata.namespace ?? "";
  const backups = useResourceList("mysqlbackups", namespace);
  const restores = useResourceList("mysqlrestores", namespace);
  const runs: ClusterRuns = {
    backups: backups.query.data?.items ?? [],
    restores: restores.query.data?.items ?? [],
  };
  return (
    <DetailBody plural="mysqlclusters" object={object} runs={runs}>
      <ChildrenSection
        childPlural="mysqlbackups"
        cluster={object.metadata.name}
        list={backups.query}
        testId="backup-history"
      />
      <ChildrenSection
        childPlural="mysqlrestores"
        cluster={object.metadata.name}
        list={restores.query}
        testId="restores"
      />
    </DetailBody>
  );
}

/** A Kafka cluster: its topics and users (live). */
function KafkaClusterBody({ object }: { object: Resource }) {
  const namespace = object.metadata.namespace ?? "";
  const topics = useResourceList("kafkatopics", namespace);
  const users = useResourceList("kafkausers", namespace);
  return (
    <DetailBody plural="kafkaclusters" object={object} runs={NO_RUNS}>
      <ChildrenSection
        childPlural="kafkatopics"
        cluster={object.metadata.name}
        list={topics.query}
        testId="kafka-topics"
      />
      <ChildrenSection
        childPlural="kafkausers"
        cluster={object.metadata.name}
        list={users.query}
        testId="kafka-users"
      />
    </DetailBody>
  );
}

function BodyOf({ plural, object }: { plural: KindPlural; object: Resource }) {
  if (plural === "mysqlclusters") return <MySQLClusterBody object={object} />;
  if (plural === "kafkaclusters") return <KafkaClusterBody object={object} />;
  return <DetailBody plural={plural} object={object} runs={NO_RUNS} />;
}

/** "Deleted at <time>", while the page keeps the last known state (and follows a re-creation). */
function DeletedAlert({ deletedAt, what }: { deletedAt: number; what: string }) {
  return (
    <PageSection>
      <Alert
        isInline
        variant="warning"
        title={`Deleted at ${new Date(deletedAt).toLocaleTimeString()}`}
        data-testid="resource-deleted"
      >
        This {what} no longer exists; below is its last known state. If one with the same name is
        created, this page shows it.
      </Alert>
    </PageSection>
  );
}

/**
 * One object of any kind: actions, why it is blocked, status, conditions, its cluster's related
 * objects, pods, Events, spec — live from the watch stream.
 *
 * @param initial - the object as the server render read it, when it could.
 */
export function ResourceDetailView({
  plural,
  namespace,
  name,
  initial,
}: {
  plural: KindPlural;
  namespace: string;
  name: string;
  initial?: Resource;
}) {
  const kind = kindOf(plural);
  const title = kindTitle(kind);
  const { query, live, deletion } = useResource(plural, namespace, name, initial);
  return (
    <>
      <PageSection>
        <Breadcrumb>
          <BreadcrumbItem>
            <Link href={`/${plural}?namespace=${encodeURIComponent(namespace)}`}>
              {title.plural} in {namespace}
            </Link>
          </BreadcrumbItem>
        </Breadcrumb>
        <Flex alignItems={{ default: "alignItemsCenter" }}>
          <FlexItem>
            <PageHeading>{name}</PageHeading>
          </FlexItem>
          <FlexItem>
            <LiveIndicator state={live} />
          </FlexItem>
          <FlexItem align={{ default: "alignRight" }}>
            <EditResourceButton kind={kind} namespace={namespace} name={name} />
          </FlexItem>
          {query.data ? (
            <FlexItem>
              <DeleteResourceButton kind={kind} object={query.data} />
            </FlexItem>
          ) : null}
        </Flex>
      </PageSection>
      {deletion ? <DeletedAlert deletedAt={deletion.deletedAt} what={title.one} /> : null}
      {query.isPending ? (
        <PageSection>
          {query.failureReason ? (
            <ErrorPanel error={query.failureReason} retrying />
          ) : (
            <Spinner aria-label={`Loading the ${title.one}`} />
          )}
        </PageSection>
      ) : query.isError ? (
        <PageSection>
          <ErrorPanel error={query.error} onRetry={() => void query.refetch()} />
        </PageSection>
      ) : (
        <BodyOf plural={plural} object={query.data} />
      )}
    </>
  );
}
