import "server-only";
import { CustomObjectsApi, type KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { z } from "zod";
import type { Controller, ControllerOptions } from "./controller";
import { Informer } from "./informer";
import { kubeListWatch, type ListCall } from "./kube-list-watch";
import type { WorkQueue } from "./work-queue";
import { objectKey, type WatchedObject } from "./watched-object";

/** A list answer of the apiserver, as `CustomObjectsApi` returns it (untyped). */
const CustomObjectListSchema = z.object({
  items: z.array(z.unknown()),
  metadata: z.object({ resourceVersion: z.string().optional() }).optional(),
});

/** Where informers read from and log to. */
export interface InformerContext {
  kubeConfig: KubeConfig;
  logger: Logger;
}

/** What every controller of the operator is started with. */
export interface ControllerProcessOptions extends InformerContext {
  /** Keys reconciled at the same time (different keys only). */
  workers: number;
  /** Every object is reconciled at least this often, in seconds. */
  resyncSeconds: number;
  /** The shard this operator serves (see OPERATOR_SHARD_LABEL); undefined = unlabelled objects. */
  shard: string | undefined;
}

/** A custom resource's collection: `/apis/{group}/{version}/{plural}`, all namespaces. */
export interface CustomResource {
  group: string;
  version: string;
  plural: string;
}

/**
 * An informer on one custom resource in every namespace, listed through `CustomObjectsApi` and
 * watched at `/apis/{group}/{version}/{plural}`, both restricted to `labelSelector` (the shard's
 * selector; undefined = every object).
 *
 * @param name for logs; the plural when undefined.
 * @throws never; a list answer that is not a list (zod) fails the informer's list, which retries.
 */
export function customObjectInformer(
  context: InformerContext,
  resource: CustomResource & { labelSelector: string | undefined; name?: string },
): Informer {
  const { kubeConfig, logger } = context;
  const { group, version, plural, labelSelector } = resource;
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  return new Informer({
    name: resource.name ?? plural,
    logger,
    source: kubeListWatch(
      kubeConfig,
      `/apis/${group}/${version}/${plural}`,
      async () =>
        CustomObjectListSchema.parse(
          await custom.listClusterCustomObject({ group, version, plural, labelSelector }),
        ),
      labelSelector,
    ),
  });
}

/**
 * An informer on a built-in resource in every namespace (e.g. `/apis/batch/v1/jobs`), only the
 * objects matching `labelSelector`: `list` is the typed client-node call for all namespaces, which
 * is given the same selector.
 */
export function labelledInformer(
  context: InformerContext,
  options: {
    name: string;
    path: string;
    labelSelector: string;
    list: (query: { labelSelector: string }) => ReturnType<ListCall>;
  },
): Informer {
  const { name, path, labelSelector, list } = options;
  return new Informer({
    name,
    logger: context.logger,
    source: kubeListWatch(context.kubeConfig, path, () => list({ labelSelector }), labelSelector),
  });
}

/**
 * Queues `keyOf(object)` on every event of `informer` (add, update and delete); an undefined key
 * (e.g. an object without the owner looked for) queues nothing.
 *
 * @param keyOf the object's own `namespace/name` when omitted; e.g. `controllerOwnerKey` for the
 *   objects a controller owns.
 */
export function queueOnEvent(
  informer: Informer,
  queue: WorkQueue,
  keyOf: (object: WatchedObject) => string | undefined = objectKey,
): void {
  informer.onEvent((_, object) => {
    const key = keyOf(object);
    if (key) queue.add(key);
  });
}

/** What {@link startControllers} runs. */
export interface ControllerSetup {
  informers: readonly Informer[];
  controllers: readonly Controller[];
  /** Every object of each informer is queued on its queue this often (s), whatever happened. */
  resyncSeconds: number;
  resync: readonly { informer: Informer; queue: WorkQueue }[];
}

/** Running informers and controllers. */
export interface RunningControllers {
  /** Resolves once every informer has listed once. */
  waitForSync(): Promise<void>;
  /** Stops the resync and the informers, then waits for the reconciles in flight. */
  stop(): Promise<void>;
}

/**
 * Starts the informers and the controllers' workers, and a periodic resync that queues every
 * cached object (a level-based safety net for missed events and for time-driven work).
 */
export function startControllers(setup: ControllerSetup): RunningControllers {
  const { informers, controllers } = setup;
  for (const informer of informers) informer.start();
  for (const controller of controllers) controller.start();
  const resync = setInterval(() => {
    for (const { informer, queue } of setup.resync) {
      for (const object of informer.list()) queue.add(objectKey(object));
    }
  }, setup.resyncSeconds * 1_000);
  return {
    async waitForSync() {
      await Promise.all(informers.map((informer) => informer.waitForSync()));
    },
    async stop() {
      clearInterval(resync);
      await Promise.all(informers.map((informer) => informer.stop()));
      await Promise.all(controllers.map((controller) => controller.stop()));
    },
  };
}

/** What records each reconcile's duration, e.g. `OperatorMetrics`. */
export interface ReconcileObserver {
  observeReconcile(controller: string, seconds: number, failed: boolean): void;
}

/**
 * The `observe` option of a {@link Controller} named `controller` that reports every reconcile
 * to `metrics`; no option when `metrics` is undefined.
 */
export function observedBy(
  metrics: ReconcileObserver | undefined,
  controller: string,
): Pick<ControllerOptions, "observe"> {
  return metrics
    ? { observe: (seconds, failed) => metrics.observeReconcile(controller, seconds, failed) }
    : {};
}
