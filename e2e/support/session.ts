/**
 * What the session and security specs need beyond the page objects: the CSRF header a cookie
 * session must send on mutating API calls, the session cookie's content (decrypted with the
 * platform's NEXTAUTH_SECRET, test-side only, to see which access token the dashboard holds),
 * and tokens from the OpenID provider for bearer calls.
 */
import type { APIRequestContext, BrowserContext } from "@playwright/test";
import { decode, type JWT } from "next-auth/jwt";
import { z } from "zod";
import {
  clientFromEnv,
  signInWithCodeFlow,
  type TokenSet,
} from "../../platform/oidc/code-flow-client";
import type { DemoLogin } from "../pages/sign-in-flow";

/**
 * `{ "X-CSRF-Token": … }` for a mutating call with the session of `request` (a page's or a
 * context's request object: it shares the browser's cookies), from `/api/auth/csrf` as the UI
 * gets it.
 */
export async function csrfHeaders(
  request: APIRequestContext,
  base = "",
): Promise<Record<string, string>> {
  const response = await request.get(`${base}/api/auth/csrf`);
  const { csrfToken } = z.object({ csrfToken: z.string() }).parse(await response.json());
  return { "X-CSRF-Token": csrfToken };
}

/** The decrypted session cookie of `context`, or null without one. */
export async function sessionJwt(context: BrowserContext): Promise<JWT | null> {
  const secret = process.env.NEXTAUTH_SECRET;
  if (!secret) throw new Error("NEXTAUTH_SECRET is not set: source the platform's env file");
  const cookie = (await context.cookies()).find((c) => c.name.endsWith("next-auth.session-token"));
  if (!cookie) return null;
  return decode({ token: cookie.value, secret });
}

/** The provider's access-token lifetime for this platform, in seconds (OIDC_ACCESS_TOKEN_TTL). */
export function accessTokenLifetimeSeconds(): number {
  return Number(process.env.OIDC_ACCESS_TOKEN_TTL ?? "900");
}

/** Tokens for a demo user, by the code flow on the provider's own login form. */
export function providerTokens(user: DemoLogin): Promise<TokenSet> {
  return signInWithCodeFlow(clientFromEnv(), user);
}
