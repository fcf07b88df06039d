import "server-only";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { getConfig } from "../config";
import { toKubeError } from "./errors";

/**
 * Kubernetes Events recorded by the dashboard with its OWN ServiceAccount (not as the user: a
 * viewer may not create Events, and the record of what a user did must not depend on the user's
 * rights). deploy/rbac/dashboard.yaml grants it `create` on `events` and nothing else beyond
 * impersonation.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/cluster-resources/event-v1/
 */

const COMPONENT = "pilothouse-dashboard";

/** The object an Event is about. */
export interface EventTarget {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  uid?: string;
}

/** One Event: `type` Normal or Warning, `reason` an UpperCamelCase word. */
export interface DashboardEvent {
  type: "Normal" | "Warning";
  reason: string;
  /** For people; cut to 1024 characters. */
  message: string;
}

/** Records Events on objects. */
export interface EventRecorder {
  /** @throws KubeApiError or KubeConnectionError. */
  record(target: EventTarget, event: DashboardEvent): Promise<void>;
}

/** A recorder over `kubeConfig` (the dashboard's own identity). */
export function kubeEventRecorder(kubeConfig: KubeConfig): EventRecorder {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  return {
    async record(target, event) {
      const now = new Date();
      try {
        await core.createNamespacedEvent({
          namespace: target.namespace,
          body: {
            metadata: { generateName: `${target.name}.`, namespace: target.namespace },
            involvedObject: {
              apiVersion: target.apiVersion,
              kind: target.kind,
              namespace: target.namespace,
              name: target.name,
              uid: target.uid,
            },
            type: event.type,
            reason: event.reason,
            message: event.message.slice(0, 1024),
            source: { component: COMPONENT },
            reportingComponent: COMPONENT,
            reportingInstance: process.env.HOSTNAME ?? COMPONENT,
            firstTimestamp: now,
            lastTimestamp: now,
            count: 1,
          },
        });
      } catch (err) {
        throw toKubeError(err, target);
      }
    },
  };
}

/**
 * A recorder from a kubeconfig file.
 *
 * @throws Error when the file cannot be read.
 */
export function eventRecorderFromFile(kubeconfigPath: string): EventRecorder {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);
  return kubeEventRecorder(kubeConfig);
}

let recorder: EventRecorder | undefined;

/**
 * The process's recorder, from `PILOTHOUSE_DASHBOARD_KUBECONFIG`.
 *
 * @throws Error when the configuration or the kubeconfig is invalid.
 */
export function getEventRecorder(): EventRecorder {
  recorder ??= eventRecorderFromFile(getConfig().kubeconfigPath);
  return recorder;
}
