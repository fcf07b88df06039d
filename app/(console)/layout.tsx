import type { ReactNode } from "react";
import { AppShell } from "@/components/layout/app-shell";
import { getUser } from "@/server/auth/session";

// Per-user pages: rendered for each request with its session, never prerendered at build time.
export const dynamic = "force-dynamic";

/**
 * Every console page, inside the masthead frame. Each page checks the session itself and
 * redirects to sign-in with its own return path (a layout does not know the URL), so without a
 * user this renders the page alone — which then redirects.
 */
export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const user = await getUser();
  if (!user) return children;
  return <AppShell user={{ name: user.name, email: user.email }}>{children}</AppShell>;
}
