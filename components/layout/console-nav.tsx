"use client";

import { Nav, NavGroup, NavItem, NavList } from "@patternfly/react-core";
import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import { KINDS } from "@/lib/api/kinds";
import { kindTitle } from "../resources/model";

const SERVICES = [
  { service: "mysql", title: "MySQL" },
  { service: "kafka", title: "Kafka" },
] as const;

/**
 * The console's navigation: overview, alerts, and every kind's list grouped by service. The
 * current namespace (`?namespace=`) is kept when moving between pages; the current page is
 * marked with `aria-current="page"`.
 */
export function ConsoleNav() {
  const pathname = usePathname();
  const namespace = useSearchParams().get("namespace");
  const withNamespace = (path: string) =>
    namespace ? `${path}?namespace=${encodeURIComponent(namespace)}` : path;
  const item = (path: string, title: string, active: boolean) => (
    <NavItem key={path} isActive={active}>
      <Link href={withNamespace(path)} aria-current={active ? "page" : undefined}>
        {title}
      </Link>
    </NavItem>
  );
  return (
    <Nav aria-label="Console">
      <NavList>
        {item("/", "Overview", pathname === "/")}
        {item("/alerts", "Alerts", pathname === "/alerts")}
      </NavList>
      {SERVICES.map(({ service, title }) => (
        <NavGroup key={service} title={title}>
          {KINDS.filter((k) => k.service === service).map((k) =>
            item(
              `/${k.plural}`,
              kindTitle(k).plural,
              pathname === `/${k.plural}` || pathname.startsWith(`/${k.plural}/`),
            ),
          )}
        </NavGroup>
      ))}
    </Nav>
  );
}
