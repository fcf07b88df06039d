"use client";

import {
  Button,
  Masthead,
  MastheadBrand,
  MastheadContent,
  MastheadLogo,
  MastheadMain,
  Page,
  Toolbar,
  ToolbarContent,
  ToolbarGroup,
  ToolbarItem,
} from "@patternfly/react-core";
import { signOut } from "next-auth/react";
import Link from "next/link";
import type { ReactNode } from "react";

/** What the masthead shows of the signed-in user (no token, no secret). */
export interface ShellUser {
  name: string;
  email: string;
}

/** The page frame of every signed-in page: masthead with the product, the user and sign-out. */
export function AppShell({ user, children }: { user: ShellUser; children: ReactNode }) {
  const masthead = (
    <Masthead>
      <MastheadMain>
        <MastheadBrand>
          <MastheadLogo component={Link} href="/mysqlclusters">
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
  return <Page masthead={masthead}>{children}</Page>;
}
