"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

const LINKS = [
  { href: "/", label: "Overview" },
  { href: "/market", label: "Market" },
  { href: "/tasks", label: "Tasks" },
  { href: "/audit", label: "Audit" },
] as const;

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
          </Link>
        );
      })}
    </>
  );
}
