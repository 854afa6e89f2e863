import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { NavLinks } from "@/components/nav-links";
import { ConnectionIndicator } from "@/components/realtime/connection-indicator";
import { OptimizationEvents } from "@/components/realtime/optimization-events";
import { RollbackToasts } from "@/components/toast/rollback-toasts";
import { Providers } from "./providers";
import styles from "./layout.module.css";
import "./globals.css";

export const metadata: Metadata = { title: "Perfpilot", description: "Roll out performance optimizations safely and prove what they changed" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>
          <header className={styles.header}>
            <Link href="/" className={styles.brand}>Perfpilot</Link>
            <nav className={styles.nav} aria-label="Main">
              <NavLinks />
            </nav>
            <ConnectionIndicator />
          </header>
          <main className={styles.main}>{children}</main>
          <OptimizationEvents />
          <RollbackToasts />
        </Providers>
      </body>
    </html>
  );
}
