import { expect, test } from "@playwright/test";
import { alice, DEMO_NAMESPACE } from "./demo-users";
import { ClusterListPage } from "./pages/cluster-list-page";
import { signIn } from "./pages/sign-in-flow";

/**
 * Needs a dashboard whose kubeconfig goes through `e2e/support/apiserver-fault-proxy.ts`; runs
 * only when its process id is given, since the shared platform cannot stop its apiserver.
 */
const proxyPid = Number(process.env.PILOTHOUSE_E2E_FAULT_PROXY_PID ?? "0");
const cut = () => process.kill(proxyPid, "SIGUSR1");
const restore = () => process.kill(proxyPid, "SIGUSR2");

test.skip(!proxyPid, "set PILOTHOUSE_E2E_FAULT_PROXY_PID (a fault proxy before the apiserver)");
test.afterEach(() => {
  if (proxyPid) restore();
});

test("while the apiserver is down the view says so, and recovers by itself", async ({ page }) => {
  await signIn(page, alice);
  const list = new ClusterListPage(page);
  await list.goto(DEMO_NAMESPACE);
  await list.expectLive();

  // An open view: not "Live" while the upstream watch is gone, Live again once it is back.
  cut();
  await expect(list.liveStatus).toHaveAttribute("data-status", /reconnecting|stale/, {
    timeout: 60_000,
  });
  await expect(list.liveStatus).toContainText(/Reconnecting… \(data as of|Stale since/);
  restore();
  await list.expectLive();

  // A page opened during the outage: the error, retried by itself, then the data, live.
  cut();
  await page.goto(`/mysqlclusters?namespace=${DEMO_NAMESPACE}`);
  await expect(page.getByTestId("error-panel")).toContainText("Retrying automatically");
  await expect(list.liveStatus).not.toHaveAttribute("data-status", "live");
  restore();
  await list.expectLive();
});
