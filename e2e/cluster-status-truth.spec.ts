import { CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { expect, test } from "@playwright/test";
import { alice, DEMO_NAMESPACE } from "./demo-users";
import {
  adminObjects,
  condition,
  createObject,
  deleteObject,
  IDLE_SHARD,
  patchStatus,
  REFS,
} from "./pages/admin-fixtures";
import { signIn } from "./pages/sign-in-flow";

/**
 * The detail page of a cluster still coming up tells the truth: "in progress", not "failed";
 * a condition computed for an older generation is labelled so, neutrally; the Events section
 * shows its pod's real `FailedScheduling` from the scheduler, naming the pod.
 */

const name = `e2e-truth-${Date.now().toString(36)}`;
const pod = `${name}-0`;

function core(): CoreV1Api {
  const kc = new KubeConfig();
  kc.loadFromFile(process.env.KUBECONFIG ?? "");
  return kc.makeApiClient(CoreV1Api);
}

test.afterAll(async () => {
  await deleteObject(REFS.mysqlclusters, DEMO_NAMESPACE, name);
  await core()
    .deleteNamespacedPod({ namespace: DEMO_NAMESPACE, name: pod, gracePeriodSeconds: 0 })
    .catch(() => undefined);
});

test("a provisioning cluster is in progress, with its pod's Events, not failed", async ({
  page,
}) => {
  await createObject(REFS.mysqlclusters, DEMO_NAMESPACE, {
    apiVersion: "mysql.pilothouse.dev/v1alpha1",
    kind: "MySQLCluster",
    metadata: { name, labels: IDLE_SHARD },
    spec: { engine: "mysql", version: "8.4", replicas: 1, storage: { size: "1Gi" } },
  });
  // A second generation, applied; Ready was last computed for the first.
  await adminObjects().patchNamespacedCustomObject(
    { ...REFS.mysqlclusters, namespace: DEMO_NAMESPACE, name, body: { spec: { replicas: 2 } } },
    setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
  );
  await patchStatus(REFS.mysqlclusters, DEMO_NAMESPACE, name, {
    observedGeneration: 2,
    phase: "Provisioning",
    readyReplicas: 0,
    conditions: [
      {
        ...condition("Ready", "False", "ServersNotReady", "0/2 servers ready"),
        observedGeneration: 1,
      },
      {
        ...condition("Progressing", "True", "Creating", "creating servers"),
        observedGeneration: 2,
      },
    ],
  });
  // The cluster's pod, which no node can take: the real scheduler records FailedScheduling.
  await core().createNamespacedPod({
    namespace: DEMO_NAMESPACE,
    body: {
      metadata: {
        name: pod,
        labels: { "app.kubernetes.io/name": "mysql", "app.kubernetes.io/instance": name },
      },
      spec: {
        nodeSelector: { "pilothouse.dev/no-such-node": "true" },
        containers: [{ name: "mysql", image: "mysql:8.4" }],
      },
    },
  });

  await signIn(page, alice, `/mysqlclusters/${DEMO_NAMESPACE}/${name}`);
  await expect(page.getByTestId("detail-generation")).toHaveText(
    "2 (applied) — in progress: Creating: creating servers",
  );
  await expect(page.getByTestId("health-label")).toHaveText("Progressing");
  await expect(page.getByTestId("condition-Ready").getByTestId("condition-generation")).toHaveText(
    "computed for generation 1 (current 2)",
  );
  const scheduling = page.getByTestId("event-row").filter({ hasText: "FailedScheduling" });
  await expect(scheduling.first().getByTestId("event-object")).toHaveText(`Pod/${pod}`, {
    timeout: 40_000,
  });
});
