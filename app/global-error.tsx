"use client";
import { Panel } from "@/components/panel";
import { DatabaseBanner } from "@/components/realtime/database-banner";
import "./globals.css";

/**
 * The shell itself failed to render — during a database outage the layout cannot look up the
 * session. It replaces the root layout, so it brings its own html and body, and the outage
 * banner (it reads `/api/ping`, which needs no database). Retry is a full reload: the layout is
 * a server component that must run again.
 */
export default function GlobalError({ error }: { error: Error & { digest?: string } }) {
  return (
    <html lang="en">
      <body>
        <DatabaseBanner />
        <main style={{ padding: "16px 20px" }}>
          <Panel title="Perfpilot could not render this page" error={error} onRetry={() => window.location.reload()} />
        </main>
      </body>
    </html>
  );
}
