/**
 * The operator's informers start cleanly on a CRD installed a moment ago. The apiserver answers
 * the first lists of a new resource with 429 TooManyRequests ("storage is (re)initializing",
 * Retry-After: 1) while its watch cache fills; the informer must wait the Retry-After and sync,
 * logging no warning (the warnings a fresh `./pilothouse up` used to print for every resource).
 *
 * Needs the local platform: source the env.sh of `./pilothouse up` (KUBECONFIG).
 */
import { randomBytes } from "node:crypto";
import {
  ApiextensionsV1Api,
  CustomObjectsApi,
  type V1CustomResourceDefinition,
} from "@kubernetes/client-node";
import { pino } from "pino";
import { afterAll, expect, it } from "vitest";
import { Informer } from "@/server/operator/runtime/informer";
import { kubeListWatch } from "@/server/operator/runtime/kube-list-watch";
import { eventually } from "./support/eventually";
import { kubeConfigFrom, platformKubeconfigs } from "./support/kube-admin";

const group = "throttle.pilothouse.dev";
const plural = `probes${randomBytes(3).toString("hex")}`;
const admin = kubeConfigFrom(platformKubeconfigs().admin);
const extensions = admin.makeApiClient(ApiextensionsV1Api);
const crd: V1CustomResourceDefinition = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: `${plural}.${group}` },
  spec: {
    group,
    scope: "Namespaced",
    names: { plural, singular: plural.slice(0, -1), kind: `Probe${plural.slice(6)}` },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: { type: "object", x_kubernetes_preserve_unknown_fields: true },
        },
      },
    ],
  },
};

afterAll(async () => {
  await extensions.deleteCustomResourceDefinition({ name: `${plural}.${group}` }).catch(() => 0);
});

it("an informer on a just-Established CRD syncs without a warning", async () => {
  await extensions.createCustomResourceDefinition({ body: crd });
  await eventually(`CRD ${plural} to be Established`, async () => {
    const current = await extensions.readCustomResourceDefinition({ name: `${plural}.${group}` });
    const established = current.status?.conditions?.find((c) => c.type === "Established");
    return established?.status === "True" ? true : undefined;
  });
  const lines: { level: number; msg: string }[] = [];
  const stream = { write: (line: string) => lines.push(JSON.parse(line) as (typeof lines)[0]) };
  const custom = admin.makeApiClient(CustomObjectsApi);
  const informer = new Informer({
    name: plural,
    logger: pino({ level: "debug" }, stream),
    source: kubeListWatch(
      admin,
      `/apis/${group}/v1/${plural}`,
      () =>
        custom.listClusterCustomObject({ group, version: "v1", plural }) as Promise<{
          items: unknown[];
          metadata?: { resourceVersion?: string };
        }>,
    ),
  });
  informer.start();
  try {
    await informer.waitForSync();
  } finally {
    await informer.stop();
  }
  expect(lines.filter((l) => l.level >= 40)).toEqual([]);
  const throttled = lines.filter((l) => l.msg.includes("429")).length;
  console.info(`429 answers waited out on a fresh CRD: ${throttled}`);
});
