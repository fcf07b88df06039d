import { expect, test, type Page, type Request } from "@playwright/test";
import { alice, bob, DEMO_NAMESPACE } from "./demo-users";
import { deleteMySQLCluster } from "./kube-admin";
import { ClusterListPage } from "./pages/cluster-list-page";
import { signIn } from "./pages/sign-in-flow";
import { clientFromEnv, revokeRefreshToken } from "../platform/oidc/code-flow-client";
import { accessTokenLifetimeSeconds, csrfHeaders, sessionJwt } from "./support/session";

/**
 * Open live streams across access-token rotation. A stream ends when the access token that
 * opened it expires; the browser's EventSource reconnects with Last-Event-ID, that request
 * refreshes the token and is re-authorized, and the view goes on without a gap — or, when the
 * session has ended, the UI asks to sign in. Needs the test profile's 60 s access tokens
 * (OIDC_ACCESS_TOKEN_TTL).
 */
const lifetime = accessTokenLifetimeSeconds();
const name = `e2e-rotate-${Date.now().toString(36)}`;
const watchPath = "/api/v1/watch/mysqlclusters";

test.setTimeout((2 * lifetime + 150) * 1000);

test.beforeAll(() => {
  expect(
    lifetime,
    "OIDC_ACCESS_TOKEN_TTL must be at most 60 s for these tests",
  ).toBeLessThanOrEqual(60);
});

test.afterAll(async () => {
  await deleteMySQLCluster(DEMO_NAMESPACE, name);
});

interface StreamRequest {
  /** Seconds since the recording started. */
  at: number;
  lastEventId: string | undefined;
}

/** The list page's stream requests, with the Last-Event-ID each one carried. */
function recordStreamRequests(page: Page): StreamRequest[] {
  const seen: StreamRequest[] = [];
  const start = Date.now();
  page.on("request", (request: Request) => {
    if (!new URL(request.url()).pathname.startsWith(watchPath)) return;
    const entry: StreamRequest = { at: (Date.now() - start) / 1000, lastEventId: undefined };
    seen.push(entry);
    void request.allHeaders().then((headers) => {
      entry.lastEventId = headers["last-event-id"];
    });
  });
  return seen;
}

test("a list page stays live across two access-token rotations and shows a later change", async ({
  page,
}) => {
  await signIn(page, alice);
  const first = await sessionJwt(page.context());
  expect(first?.accessToken).toBeTruthy();
  const streams = recordStreamRequests(page);
  const list = new ClusterListPage(page);
  await list.goto(DEMO_NAMESPACE);
  await list.expectLive();

  // Two lifetimes pass with the page open: nothing but the stream talks to the dashboard.
  await page.waitForTimeout((2 * lifetime + 5) * 1000);

  // The stream was ended at each expiry and reopened by the browser (the first request is the
  // page's own), resuming from where it stopped — with Last-Event-ID once an event with an id
  // had arrived — on a token the proxy refreshed on the reconnect (the browser holds a new one).
  const log = JSON.stringify(streams);
  expect(streams.length, log).toBeGreaterThanOrEqual(3);
  expect(streams.filter((s) => s.lastEventId).length, log).toBeGreaterThanOrEqual(1);
  const now = await sessionJwt(page.context());
  expect(now?.accessToken).toBeTruthy();
  expect(now?.accessToken).not.toBe(first?.accessToken);
  expect(now?.accessTokenExpiresAt ?? 0).toBeGreaterThan(Date.now() / 1000);

  // A change made now reaches the open page through the stream, without a reload.
  const created = await page.request.post(`/api/v1/namespaces/${DEMO_NAMESPACE}/mysqlclusters`, {
    headers: await csrfHeaders(page.request),
    data: {
      metadata: { name },
      spec: { engine: "mysql", version: "8.4", replicas: 1, storage: { size: "1Gi" } },
    },
  });
  expect(created.status()).toBe(201);
  await expect(list.row(name)).toBeVisible({ timeout: 15_000 });
  await list.expectLive();
  await expect(page.getByTestId("current-user")).toHaveText(alice.name);
});

test("when the refresh token is revoked, the open stream ends and the UI asks to sign in", async ({
  page,
}) => {
  await signIn(page, bob);
  const session = await sessionJwt(page.context());
  expect(session?.refreshToken).toBeTruthy();
  const refused: number[] = [];
  page.on("response", (response) => {
    if (new URL(response.url()).pathname.startsWith(watchPath) && response.status() === 401)
      refused.push(response.status());
  });
  const list = new ClusterListPage(page);
  await list.goto(DEMO_NAMESPACE);
  await list.expectLive();

  await revokeRefreshToken(clientFromEnv(), session?.refreshToken ?? "");

  // Nothing is clicked: at the access token's expiry the stream ends, its reconnect is refused
  // and the page itself goes to sign-in, saying why.
  const wait = (session?.accessTokenExpiresAt ?? 0) * 1000 - Date.now() + 30_000;
  await expect(page).toHaveURL(/\/sign-in\?.*error=SessionExpired/, { timeout: wait });
  await expect(page.getByText("Your session has ended")).toBeVisible();
  expect(refused.length).toBeGreaterThanOrEqual(1);
  expect(await sessionJwt(page.context())).toBeNull();
});
