import { DEMO_USERS } from "../platform/oidc/users";
import type { DemoLogin } from "./pages/sign-in-flow";

/** A demo user by email, from the provider's own list (one source of truth). */
export function demoUser(email: string): DemoLogin {
  const user = DEMO_USERS.find((u) => u.email === email);
  if (!user) throw new Error(`no demo user ${email} in platform/oidc/users.ts`);
  return user;
}

export const alice = demoUser("alice@pilothouse.dev");
export const bob = demoUser("bob@pilothouse.dev");

/** The namespace the demo RBAC is about. */
export const DEMO_NAMESPACE = process.env.PILOTHOUSE_DEMO_NAMESPACE ?? "demo";
