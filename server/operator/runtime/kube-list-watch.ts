import "server-only";
import { Watch, type KubeConfig } from "@kubernetes/client-node";
import type { ListResult, ListWatchSource, WatchEventHandler } from "./informer";

/** A list call of client-node's generated APIs: items and `metadata.resourceVersion`. */
export type ListCall = () => Promise<{ items: unknown[]; metadata?: { resourceVersion?: string } }>;

function isTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === "TimeoutError";
}

/**
 * A {@link ListWatchSource} over the real apiserver: `list` is one of client-node's typed list
 * calls, `watch` streams `path` with client-node's `Watch`, asking for bookmarks. client-node
 * aborts a watch after 30 s without data (a `TimeoutError`): that is a normal end here, and the
 * informer resumes from the last resourceVersion.
 *
 * @param path the collection's URL path, e.g. `/apis/apps/v1/statefulsets` (all namespaces).
 * @param labelSelector restricts both list and watch, e.g. `app.kubernetes.io/managed-by=x`;
 *   the list call must apply the same selector.
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#watch-bookmarks
 */
export function kubeListWatch(
  kubeConfig: KubeConfig,
  path: string,
  list: ListCall,
  labelSelector?: string,
): ListWatchSource {
  const watcher = new Watch(kubeConfig);
  return {
    async list(): Promise<ListResult> {
      const answer = await list();
      return { items: answer.items, resourceVersion: answer.metadata?.resourceVersion ?? "" };
    },
    watch(resourceVersion: string, onEvent: WatchEventHandler, signal: AbortSignal) {
      return new Promise<void>((resolve, reject) => {
        let request: AbortController | undefined;
        const onAbort = () => request?.abort();
        const done = (error: unknown) => {
          signal.removeEventListener("abort", onAbort);
          if (!error || isTimeout(error)) resolve();
          else reject(error instanceof Error ? error : new Error("watch failed", { cause: error }));
        };
        signal.addEventListener("abort", onAbort, { once: true });
        const params = { resourceVersion, allowWatchBookmarks: true, labelSelector };
        watcher
          .watch(path, params, (type: string, object: unknown) => onEvent(type, object), done)
          .then((controller) => {
            request = controller;
            if (signal.aborted) controller.abort();
          }, done);
      });
    },
  };
}
