"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { alertsQuery } from "@/lib/client/queries";
import { useNow } from "@/lib/client/use-now";
import { isAcknowledged } from "./alerts/alert-state";
import styles from "./alerts/alerts.module.css";

const LINKS = [
  { href: "/", label: "Overview" },
  { href: "/market", label: "Market" },
  { href: "/tasks", label: "Tasks" },
  { href: "/alerts", label: "Alerts" },
  { href: "/audit", label: "Audit" },
];

const ADMIN_LINKS = [
  { href: "/admin/users", label: "Users" },
  { href: "/admin/tokens", label: "Tokens" },
];

/**
 * Number of firing alerts nobody has acknowledged next to "Alerts" (refetched on `alert:changed`
 * by AlertToasts): an acknowledged alert already has someone on it. An acknowledgement can expire
 * without an event, hence the clock.
 */
function FiringBadge() {
  const q = useQuery(alertsQuery({ state: "firing" }));
  const now = useNow(30_000);
  const n = (q.data ?? []).filter((a) => a.state === "firing" && !isAcknowledged(a, now)).length;
  if (n === 0) return null;
  return (
    <>
      <span className={styles.navBadge} data-testid="nav-alerts-count">
        {n}
      </span>
      <span className="sr-only"> firing, not acknowledged</span>
    </>
  );
}

/** Main navigation (admin pages for admins only); the current section is marked for screen readers and styled by `aria-current`. */
export function NavLinks({ admin = false }: { admin?: boolean }) {
  const path = usePathname();
  return (
    <>
      {[...LINKS, ...(admin ? ADMIN_LINKS : [])].map((l) => {
        const current = l.href === "/" ? path === "/" || path.startsWith("/operations") : path.startsWith(l.href);
        return (
          <Link key={l.href} href={l.href} aria-current={current ? "page" : undefined}>
            {l.label}
            {l.href === "/alerts" && <FiringBadge />}
          </Link>
        );
      })}
    </>
  );
}
