import "server-only";
import { z } from "zod";
import {
  MYSQL_API_VERSION,
  MYSQL_GROUP,
  MYSQL_VERSION,
  MySQLClusterNames,
  MySQLClusterSchema,
  type MySQLCluster,
  type MySQLClusterSpec,
} from "@/lib/crds/mysql-cluster";
import { moduleLogger } from "../log";
import type { UserKubeClients } from "./client";
import { KubeApiError, toKubeError } from "./errors";
import { runWatchLoop, type WatchLoopHandlers } from "./watch-loop";

/**
 * MySQLCluster objects through the Kubernetes API, as the user of `kube`. Objects from the
 * apiserver are parsed with the CRD's zod schema (a trust boundary); one that does not parse is
 * logged and left out rather than handed to the UI half-typed.
 */

const log = moduleLogger("kube/mysql-clusters");
const PLURAL = MySQLClusterNames.plural;
const RESOURCE = { group: MYSQL_GROUP, version: MYSQL_VERSION, plural: PLURAL };

const RawListSchema = z.object({
  metadata: z.object({ resourceVersion: z.string().optional() }).optional(),
  items: z.array(z.unknown()),
});

/**
 * Parses one object from the apiserver.
 *
 * @returns the typed object, or `null` (logged) when it does not match the CRD schema.
 */
export function parseMySQLCluster(object: unknown): MySQLCluster | null {
  const result = MySQLClusterSchema.safeParse(object);
  if (result.success) return result.data;
  log.warn({ issues: result.error.issues.slice(0, 5) }, "MySQLCluster does not match its schema");
  return null;
}

/** Parses many objects, dropping (and logging) those that do not match the schema. */
export function parseMySQLClusters(objects: unknown[]): MySQLCluster[] {
  return objects.map(parseMySQLCluster).filter((c): c is MySQLCluster => c !== null);
}

/** The collection path, namespaced or across all namespaces. */
export function mysqlClusterPath(namespace?: string): string {
  const base = `/apis/${MYSQL_GROUP}/${MYSQL_VERSION}`;
  return namespace ? `${base}/namespaces/${namespace}/${PLURAL}` : `${base}/${PLURAL}`;
}

/** A field selector for one object by name, or nothing. */
const byName = (name?: string) => (name ? `metadata.name=${name}` : undefined);

/**
 * Lists MySQLClusters, unparsed, with the list's resourceVersion (for watching after it).
 *
 * @throws KubeApiError (e.g. 403 when the user may not list) or KubeConnectionError.
 */
export async function listRawMySQLClusters(
  kube: UserKubeClients,
  query: { namespace?: string; name?: string },
): Promise<{ items: unknown[]; resourceVersion: string }> {
  try {
    const fieldSelector = byName(query.name);
    const raw: unknown = query.namespace
      ? await kube.customObjects.listNamespacedCustomObject({
          ...RESOURCE,
          namespace: query.namespace,
          fieldSelector,
        })
      : await kube.customObjects.listClusterCustomObject({ ...RESOURCE, fieldSelector });
    const list = RawListSchema.parse(raw);
    return { items: list.items, resourceVersion: list.metadata?.resourceVersion ?? "" };
  } catch (err) {
    throw toKubeError(err, query);
  }
}

/**
 * Lists MySQLClusters of one namespace (or of all, when the user may).
 *
 * @throws KubeApiError or KubeConnectionError.
 */
export async function listMySQLClusters(
  kube: UserKubeClients,
  query: { namespace?: string; name?: string },
): Promise<{ items: MySQLCluster[]; resourceVersion: string }> {
  const list = await listRawMySQLClusters(kube, query);
  return { items: parseMySQLClusters(list.items), resourceVersion: list.resourceVersion };
}

/**
 * Reads one MySQLCluster.
 *
 * @throws KubeApiError (404 NotFound, 403 Forbidden, ...) or KubeConnectionError.
 */
export async function getMySQLCluster(
  kube: UserKubeClients,
  namespace: string,
  name: string,
): Promise<MySQLCluster> {
  let raw: unknown;
  try {
    raw = await kube.customObjects.getNamespacedCustomObject({ ...RESOURCE, namespace, name });
  } catch (err) {
    throw toKubeError(err, { namespace, name });
  }
  const cluster = parseMySQLCluster(raw);
  if (!cluster) {
    throw new KubeApiError({
      status: 500,
      reason: "InternalError",
      message: `MySQLCluster ${namespace}/${name} does not match the Pilothouse schema`,
      namespace,
      name,
    });
  }
  return cluster;
}

/** The metadata a client chooses for a new object (validated by the API's request schema). */
export interface NewObjectMeta {
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/**
 * Creates a MySQLCluster (`metadata`: the name, or the name with labels and annotations). The
 * apiserver validates it again against the CRD's OpenAPI schema and
 * RBAC decides whether the user may.
 *
 * @throws KubeApiError (403 Forbidden, 409 AlreadyExists, 422 Invalid with field causes) or
 *   KubeConnectionError.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/status/
 */
export async function createMySQLCluster(
  kube: UserKubeClients,
  namespace: string,
  metadata: string | NewObjectMeta,
  spec: MySQLClusterSpec,
): Promise<MySQLCluster> {
  const { name, labels, annotations } =
    typeof metadata === "string"
      ? { name: metadata, labels: undefined, annotations: undefined }
      : metadata;
  const body = {
    apiVersion: MYSQL_API_VERSION,
    kind: MySQLClusterNames.kind,
    metadata: { name, namespace, labels, annotations },
    spec,
  };
  let raw: unknown;
  try {
    raw = await kube.customObjects.createNamespacedCustomObject({
      ...RESOURCE,
      namespace,
      body,
      fieldManager: "pilothouse-dashboard",
      fieldValidation: "Strict",
    });
  } catch (err) {
    throw toKubeError(err, { namespace, name });
  }
  return parseMySQLCluster(raw) ?? { ...body, spec };
}

/**
 * Watches MySQLClusters of one namespace (optionally one object) until `signal` aborts or a
 * fatal error. Without `resourceVersion` it lists first and reports a snapshot.
 */
export function watchMySQLClusters(
  kube: UserKubeClients,
  options: {
    namespace: string;
    name?: string;
    resourceVersion?: string;
    signal: AbortSignal;
    handlers: WatchLoopHandlers;
  },
): Promise<void> {
  const fieldSelector = byName(options.name);
  return runWatchLoop({
    watcher: kube.watch,
    path: mysqlClusterPath(options.namespace),
    params: fieldSelector ? { fieldSelector } : {},
    list: () => listRawMySQLClusters(kube, options),
    resourceVersion: options.resourceVersion,
    signal: options.signal,
    handlers: options.handlers,
  });
}
