"use client";

import {
  Button,
  Masthead,
  MastheadBrand,
  MastheadContent,
  MastheadLogo,
  MastheadMain,
  MastheadToggle,
  Page,
  PageSidebar,
  PageSidebarBody,
  PageToggleButton,
  Toolbar,
  ToolbarContent,
  ToolbarGroup,
  ToolbarItem,
} from "@patternfly/react-core";
import { signOut } from "next-auth/react";
import Link from "next/link";
import { Suspense, type ReactNode } from "react";
import { ConsoleNav } from "./console-nav";

/** What the masthead shows of the signed-in user (no token, no secret). */
export interface ShellUser {
  name: string;
  email: string;
}

/**
 * The page frame of every signed-in page: masthead with the product, the user and sign-out, and
 * the navigation to every kind (a sidebar that collapses on narrow screens).
 */
export function AppShell({ user, children }: { user: ShellUser; children: ReactNode }) {
  const masthead = (
    <Masthead>
      <MastheadMain>
        <MastheadToggle>
          <PageToggleButton isHamburgerButton aria-label="Navigation" />
        </MastheadToggle>
        <MastheadBrand>
          <MastheadLogo component={Link} href="/">
            <strong>Pilothouse</strong>
          </MastheadLogo>
        </MastheadBrand>
      </MastheadMain>
      <MastheadContent>
        <Toolbar isFullHeight>
          <ToolbarContent>
            <ToolbarGroup align={{ default: "alignEnd" }} alignItems="center">
              <ToolbarItem>
                <span data-testid="current-user" title={user.email}>
                  {user.name}
                </span>
              </ToolbarItem>
              <ToolbarItem>
                <Button
                  variant="secondary"
                  onClick={() => void signOut({ callbackUrl: "/sign-in" })}
                >
                  Sign out
                </Button>
              </ToolbarItem>
            </ToolbarGroup>
          </ToolbarContent>
        </Toolbar>
      </MastheadContent>
    </Masthead>
  );
  const sidebar = (
    <PageSidebar>
      <PageSidebarBody>
        <Suspense>
          <ConsoleNav />
        </Suspense>
      </PageSidebarBody>
    </PageSidebar>
  );
  return (
    <Page masthead={masthead} sidebar={sidebar} isManagedSidebar>
      {children}
    </Page>
  );
}
