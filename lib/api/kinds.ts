/**
 * The registry of every kind the REST API, the watch hub and the UI serve: one entry per custom
 * resource of DESIGN.md, built from the CRD definitions in `lib/crds/` (the one source of truth).
 * Routes are generic over `plural`:
 *
 * - `GET    /api/v1/{plural}?namespace=ns`                       list (all namespaces the user may see)
 * - `GET    /api/v1/namespaces/{ns}/{plural}/{name}`             get
 * - `POST   /api/v1/namespaces/{ns}/{plural}[?dryRun=All]`       create
 * - `PUT    /api/v1/namespaces/{ns}/{plural}/{name}[?dryRun=All]` update (metadata.resourceVersion → 409 on conflict)
 * - `DELETE /api/v1/namespaces/{ns}/{plural}/{name}`             delete
 * - `POST   /api/v1/namespaces/{ns}/{plural}/{name}/actions/{action}` an action of {@link KindInfo.actions}
 * - `GET    /api/v1/watch/{plural}?namespace=ns[&name=x]`        Server-Sent Events
 */
import type { z } from "zod";
import { KAFKA_API_VERSION, KAFKA_GROUP, KAFKA_VERSION } from "../crds/kafka-common";
import {
  KafkaClusterNames,
  KafkaClusterSchema,
  KafkaClusterSpecSchema,
} from "../crds/kafka-cluster";
import { KafkaTopicNames, KafkaTopicSchema, KafkaTopicSpecSchema } from "../crds/kafka-topic";
import { KafkaUserNames, KafkaUserSchema, KafkaUserSpecSchema } from "../crds/kafka-user";
import { MySQLBackupNames, MySQLBackupSchema, MySQLBackupSpecSchema } from "../crds/mysql-backup";
import {
  MYSQL_API_VERSION,
  MYSQL_GROUP,
  MYSQL_VERSION,
  MySQLClusterNames,
  MySQLClusterSchema,
  MySQLClusterSpecSchema,
} from "../crds/mysql-cluster";
import {
  MySQLRestoreNames,
  MySQLRestoreSchema,
  MySQLRestoreSpecSchema,
} from "../crds/mysql-restore";

/**
 * Actions on one object, each a `POST .../{name}/actions/{action}`:
 * - `start` / `stop`: set `spec.stopped` false / true (clusters);
 * - `backup`: create a MySQLBackup of the cluster (body `{ storageName?: string }`);
 * - `restore`: create a MySQLRestore of a Succeeded MySQLBackup (body: the restore target);
 * - `switchover`: set the annotation `pilothouse.dev/switchover-to` (body `{ targetInstance: string }`);
 * - `pause` / `resume`: set / remove the annotation `pilothouse.dev/reconcile: paused`.
 */
export type ActionName =
  "start" | "stop" | "backup" | "restore" | "switchover" | "pause" | "resume";

/** What the API, the hub and the UI know of one kind. */
export interface KindInfo {
  kind: string;
  plural: string;
  singular: string;
  group: string;
  version: string;
  apiVersion: string;
  /** The service it belongs to, for navigation. */
  service: "mysql" | "kafka";
  /** Whether it is a cluster (overview, start/stop) rather than an object of one. */
  isCluster: boolean;
  /** The whole object as the CRD defines it (parses what the apiserver returns). */
  schema: z.ZodType;
  /** Its spec (forms, request validation). */
  specSchema: z.ZodType;
  actions: readonly ActionName[];
}

const mysql = { group: MYSQL_GROUP, version: MYSQL_VERSION, apiVersion: MYSQL_API_VERSION };
const kafka = { group: KAFKA_GROUP, version: KAFKA_VERSION, apiVersion: KAFKA_API_VERSION };

/** Every kind, in navigation order. */
export const KINDS = [
  {
    ...mysql,
    kind: MySQLClusterNames.kind,
    plural: MySQLClusterNames.plural,
    singular: MySQLClusterNames.singular,
    service: "mysql",
    isCluster: true,
    schema: MySQLClusterSchema,
    specSchema: MySQLClusterSpecSchema,
    actions: ["start", "stop", "backup", "restore", "switchover", "pause", "resume"],
  },
  {
    ...mysql,
    kind: MySQLBackupNames.kind,
    plural: MySQLBackupNames.plural,
    singular: MySQLBackupNames.singular,
    service: "mysql",
    isCluster: false,
    schema: MySQLBackupSchema,
    specSchema: MySQLBackupSpecSchema,
    actions: ["restore", "pause", "resume"],
  },
  {
    ...mysql,
    kind: MySQLRestoreNames.kind,
    plural: MySQLRestoreNames.plural,
    singular: MySQLRestoreNames.singular,
    service: "mysql",
    isCluster: false,
    schema: MySQLRestoreSchema,
    specSchema: MySQLRestoreSpecSchema,
    actions: ["pause", "resume"],
  },
  {
    ...kafka,
    kind: KafkaClusterNames.kind,
    plural: KafkaClusterNames.plural,
    singular: KafkaClusterNames.singular,
    service: "kafka",
    isCluster: true,
    schema: KafkaClusterSchema,
    specSchema: KafkaClusterSpecSchema,
    actions: ["start", "stop", "pause", "resume"],
  },
  {
    ...kafka,
    kind: KafkaTopicNames.kind,
    plural: KafkaTopicNames.plural,
    singular: KafkaTopicNames.singular,
    service: "kafka",
    isCluster: false,
    schema: KafkaTopicSchema,
    specSchema: KafkaTopicSpecSchema,
    actions: ["pause", "resume"],
  },
  {
    ...kafka,
    kind: KafkaUserNames.kind,
    plural: KafkaUserNames.plural,
    singular: KafkaUserNames.singular,
    service: "kafka",
    isCluster: false,
    schema: KafkaUserSchema,
    specSchema: KafkaUserSpecSchema,
    actions: ["pause", "resume"],
  },
] as const satisfies readonly KindInfo[];

export type KindPlural = (typeof KINDS)[number]["plural"];

/** The plurals, for zod enums of path segments. */
export const KIND_PLURALS = KINDS.map((k) => k.plural) as [KindPlural, ...KindPlural[]];

/**
 * The kind of a URL path segment.
 *
 * @returns the entry, or `undefined` for a plural that is not one of Pilothouse's kinds.
 */
export function kindByPlural(plural: string): KindInfo | undefined {
  return KINDS.find((k) => k.plural === plural);
}
