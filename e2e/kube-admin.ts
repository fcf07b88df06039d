import { CustomObjectsApi, KubeConfig } from "@kubernetes/client-node";

/**
 * Removes what a test created, with the platform's admin kubeconfig (KUBECONFIG) — cleanup only;
 * everything the tests check goes through the dashboard. Does nothing without KUBECONFIG.
 */
export async function deleteMySQLCluster(namespace: string, name: string): Promise<void> {
  const path = process.env.KUBECONFIG;
  if (!path) return;
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  await kc
    .makeApiClient(CustomObjectsApi)
    .deleteNamespacedCustomObject({
      group: "mysql.pilothouse.dev",
      version: "v1alpha1",
      plural: "mysqlclusters",
      namespace,
      name,
    })
    .catch(() => undefined);
}
