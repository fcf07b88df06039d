import type { CoreV1Api } from "@kubernetes/client-node";
import { eventually } from "./eventually";

/**
 * The reasons of the Events on the object `name`, once they include every one of `expected`
 * (an operator records an Event just after the status write a test waits for), or whatever is
 * there after 30 s, for the test's own assertion to report.
 */
export async function eventReasons(
  core: CoreV1Api,
  namespace: string,
  name: string,
  expected: string[],
): Promise<string[]> {
  const reasons = async () =>
    (
      await core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` })
    ).items.map((event) => event.reason ?? "");
  return eventually(
    `Events ${expected.join(", ")} on ${name}`,
    async () => {
      const found = await reasons();
      return expected.every((reason) => found.includes(reason)) ? found : undefined;
    },
    { timeoutMs: 30_000 },
  ).catch(reasons);
}
