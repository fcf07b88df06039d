/**
 * A KafkaCluster stopped and started again on the local platform (KWOK nodes, operator with
 * PILOTHOUSE_OPERATOR_DATABASE_CHECKS=disabled): while stopped, `Degraded` and `Progressing`
 * say so; once started, no condition is left from the stop and every condition carries the
 * current generation (what the dashboard compares to say "spec not yet applied").
 *
 * Needs the local platform: `./pilothouse up`, then `source "$(./pilothouse env)"`.
 */
import { randomBytes } from "node:crypto";
import type { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Condition } from "@/lib/crds/common";
import { eventually } from "./support/eventually";
import { kafkaClusterApi } from "./support/kafka-objects";
import {
  installOperatorManifests,
  kubeConfigFrom,
  platformKubeconfigs,
} from "./support/kube-admin";
import { OperatorProcess } from "./support/operator-process";

const suffix = randomBytes(3).toString("hex");
const namespace = `kafkastop-it-${suffix}`;
const shard = `kafkastop-${suffix}`;
let admin: KubeConfig | undefined;
let clusters: ReturnType<typeof kafkaClusterApi>;
let operator: OperatorProcess | undefined;
const alive = () => operator?.assertRunning();
const find = (conditions: Condition[] | undefined, type: string) =>
  conditions?.find((condition) => condition.type === type);

beforeAll(async () => {
  const kubeconfigs = platformKubeconfigs();
  admin = kubeConfigFrom(kubeconfigs.admin);
  await installOperatorManifests(admin);
  clusters = kafkaClusterApi(admin, namespace, shard);
  await clusters.core.createNamespace({ body: { metadata: { name: namespace } } });
  operator = await OperatorProcess.start(kubeconfigs.operator, shard, {
    env: { PILOTHOUSE_OPERATOR_DATABASE_CHECKS: "disabled" },
  });
});

afterAll(async () => {
  // The operator releases the finalizer: delete while it runs, or the namespace never goes.
  if (operator && clusters) {
    await clusters.delete("events").catch(() => undefined);
    await eventually(
      "the KafkaCluster to be gone",
      async () => ((await clusters.read("events")) === undefined ? true : undefined),
      { check: alive, timeoutMs: 60_000 },
    );
  }
  await operator?.stop();
  if (admin) await OperatorProcess.removeLease(admin, shard);
  await clusters?.core.deleteNamespace({ name: namespace }).catch(() => undefined);
});

function phase(wanted: string) {
  return eventually(
    `KafkaCluster events to be ${wanted}`,
    async () => {
      const read = await clusters.read("events");
      return read?.status?.phase === wanted ? read : undefined;
    },
    { check: alive, timeoutMs: 90_000 },
  );
}

describe("KafkaCluster conditions across a stop and a start (checks disabled)", () => {
  it("says Stopped while stopped, and nothing of the stop once started, at the current generation", async () => {
    await clusters.create("events", {
      kraft: { combined: { replicas: 1, storage: { size: "1Gi" } } },
    });
    await phase("Ready");
    await clusters.patchSpec("events", { stopped: true });
    const stopped = await phase("Stopped");
    expect(find(stopped.status?.conditions, "Degraded")).toMatchObject({
      status: "False",
      reason: "Stopped",
    });
    expect(find(stopped.status?.conditions, "Progressing")).toMatchObject({ status: "False" });
    await clusters.patchSpec("events", { stopped: false });
    const started = await phase("Ready");
    const conditions = started.status?.conditions ?? [];
    expect(find(conditions, "Degraded")).toMatchObject({
      status: "Unknown",
      reason: "DatabaseChecksDisabled",
    });
    expect(find(conditions, "Progressing")).toMatchObject({
      status: "False",
      reason: "NodesReady",
    });
    expect(conditions.filter((c) => c.reason === "Stopped" || c.reason === "Stopping")).toEqual([]);
    expect(conditions.map((c) => [c.type, c.observedGeneration])).toEqual(
      conditions.map((c) => [c.type, started.metadata.generation]),
    );
  });
});
