import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { NavLinks } from "@/components/nav-links";
import { ConnectionIndicator } from "@/components/realtime/connection-indicator";
import { DatabaseBanner } from "@/components/realtime/database-banner";
import { OptimizationEvents } from "@/components/realtime/optimization-events";
import { RollbackToasts } from "@/components/toast/rollback-toasts";
import { AlertToasts } from "@/components/toast/alert-toasts";
import { pageActor } from "@/lib/server/domains/auth/page-session";
import { hasRole } from "@/lib/server/domains/auth/roles";
import { SignOutButton } from "./sign-in/sign-out-button";
import { Providers } from "./providers";
import styles from "./layout.module.css";
import "./globals.css";

export const metadata: Metadata = { title: "Perfpilot", description: "Roll out performance optimizations safely and prove what they changed" };

/**
 * The shell. Signed-in visitors get the navigation and the live connection; the sign-in page
 * renders without them (an anonymous socket would be refused). Sign-in and sign-out are full
 * navigations, so this runs again after either.
 */
export default async function RootLayout({ children }: { children: ReactNode }) {
  const actor = await pageActor();
  return (
    <html lang="en">
      <body>
        <Providers live={actor !== null}>
          <header className={styles.header}>
            <Link href="/" className={styles.brand}>
              Perfpilot
            </Link>
            {actor && (
              <>
                <nav className={styles.nav} aria-label="Main">
                  <NavLinks admin={hasRole(actor.role, "admin")} />
                </nav>
                <ConnectionIndicator />
                <span className={styles.user}>
                  <Link href="/account" title="Account and password">
                    {actor.email}
                  </Link>{" "}
                  <span className="muted">({actor.role})</span>
                </span>
                <SignOutButton />
              </>
            )}
          </header>
          <DatabaseBanner />
          <main className={styles.main}>{children}</main>
          {actor && (
            <>
              <OptimizationEvents />
              <RollbackToasts />
              <AlertToasts />
            </>
          )}
        </Providers>
      </body>
    </html>
  );
}
