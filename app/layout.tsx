import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { ConnectionIndicator } from "@/components/realtime/connection-indicator";
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
              <Link href="/">Overview</Link>
              <Link href="/market">Market</Link>
            </nav>
            <ConnectionIndicator />
          </header>
          <main className={styles.main}>{children}</main>
        </Providers>
      </body>
    </html>
  );
}
