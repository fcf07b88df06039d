/**
 * MySQLCluster helpers for the integration tests that run the operator against the real control
 * plane: read and create clusters, annotate them, list their Events and the pods behind a
 * Service's EndpointSlices.
 */
import {
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  type CoreV1Event,
  type KubeConfig,
  type KubernetesObject,
} from "@kubernetes/client-node";
import { OPERATOR_SHARD_LABEL } from "@/lib/crds/common";
import {
  MYSQL_API_VERSION,
  MYSQL_GROUP,
  MYSQL_VERSION,
  MySQLClusterSchema,
  type MySQLCluster,
  type MySQLClusterSpecInput,
} from "@/lib/crds/mysql-cluster";

const crd = { group: MYSQL_GROUP, version: MYSQL_VERSION, plural: "mysqlclusters" };

/** The calls one test file makes on its namespace, as the admin. */
export function clusterApi(admin: KubeConfig, namespace: string) {
  const core = admin.makeApiClient(CoreV1Api);
  const custom = admin.makeApiClient(CustomObjectsApi);
  const discovery = admin.makeApiClient(DiscoveryV1Api);
  const objects = KubernetesObjectApi.makeApiClient(admin);

  return {
    core,

    async read(name: string): Promise<MySQLCluster> {
      const raw: unknown = await custom.getNamespacedCustomObject({ ...crd, namespace, name });
      return MySQLClusterSchema.parse(raw);
    },

    async create(name: string, shard: string, spec: MySQLClusterSpecInput): Promise<void> {
      const metadata = { name, labels: { [OPERATOR_SHARD_LABEL]: shard } };
      const body = { apiVersion: MYSQL_API_VERSION, kind: "MySQLCluster", metadata, spec };
      await custom.createNamespacedCustomObject({ ...crd, namespace, body });
    },

    /** Sets (string) or removes (null) one annotation with a merge patch. */
    async annotate(name: string, key: string, value: string | null): Promise<void> {
      const patch = {
        apiVersion: MYSQL_API_VERSION,
        kind: "MySQLCluster",
        metadata: { name, namespace, annotations: { [key]: value } },
      } as KubernetesObject;
      await objects.patch(
        patch,
        undefined,
        undefined,
        undefined,
        undefined,
        PatchStrategy.MergePatch,
      );
    },

    async patchSpec(name: string, spec: Partial<MySQLClusterSpecInput>): Promise<void> {
      const patch = {
        apiVersion: MYSQL_API_VERSION,
        kind: "MySQLCluster",
        metadata: { name, namespace },
        spec,
      };
      await objects.patch(
        patch,
        undefined,
        undefined,
        undefined,
        undefined,
        PatchStrategy.MergePatch,
      );
    },

    async events(name: string): Promise<CoreV1Event[]> {
      const list = await core.listNamespacedEvent({
        namespace,
        fieldSelector: `involvedObject.kind=MySQLCluster,involvedObject.name=${name}`,
      });
      return list.items;
    },

    /** Names of the pods behind a Service, from its EndpointSlices (sorted). */
    async endpointPods(service: string): Promise<string[]> {
      const slices = await discovery.listNamespacedEndpointSlice({
        namespace,
        labelSelector: `kubernetes.io/service-name=${service}`,
      });
      return slices.items
        .flatMap((slice) => slice.endpoints ?? [])
        .map((endpoint) => endpoint.targetRef?.name ?? "?")
        .sort();
    },

    /** `pilothouse.dev/role` of each pod of a cluster, by pod name. */
    async roles(cluster: string): Promise<Record<string, string>> {
      const pods = await core.listNamespacedPod({
        namespace,
        labelSelector: `app.kubernetes.io/instance=${cluster}`,
      });
      const entries = pods.items.map((pod): [string, string] => [
        pod.metadata?.name ?? "?",
        pod.metadata?.labels?.["pilothouse.dev/role"] ?? "-",
      ]);
      return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
    },
  };
}

/** The condition of `type` of a cluster, if any. */
export function conditionOf(cluster: MySQLCluster, type: string) {
  return cluster.status?.conditions?.find((condition) => condition.type === type);
}
