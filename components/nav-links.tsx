"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { alertsQuery } from "@/lib/client/queries";
import styles from "./alerts/alerts.module.css";

const LINKS = [
  { href: "/", label: "Overview" },
  { href: "/market", label: "Market" },
  { href: "/tasks", label: "Tasks" },
  { href: "/alerts", label: "Alerts" },
  { href: "/audit", label: "Audit" },
] as const;

/** Number of firing alerts next to "Alerts" (refetched on `alert:changed` by AlertToasts). */
function FiringBadge() {
  const q = useQuery(alertsQuery({ state: "firing" }));
  const n = q.data?.length ?? 0;
  if (n === 0) return null;
  return (
    <>
      <span className={styles.navBadge} data-testid="nav-alerts-count">
        {n}
      </span>
      <span className="sr-only"> firing</span>
    </>
  );
}

/** Main navigation; the current section is marked for screen readers and styled by `aria-current`. */
export function NavLinks() {
  const path = usePathname();
  return (
    <>
      {LINKS.map((l) => {
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
