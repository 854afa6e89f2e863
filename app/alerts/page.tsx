import { Suspense } from "react";
import { AlertsBoard } from "@/components/alerts/alerts-board";
import styles from "@/components/alerts/alerts.module.css";
import { SilencesPanel } from "@/components/alerts/silences-panel";
import { Panel } from "@/components/panel";
import { requirePageSession } from "@/lib/server/domains/auth/page-session";
import { hasRole } from "@/lib/server/domains/auth/roles";

export const metadata = { title: "Alerts · Perfpilot" };
export const dynamic = "force-dynamic";

/** Alerts of the performance monitor (open and history), acknowledgements and silences. */
export default async function AlertsPage() {
  const actor = await requirePageSession("viewer", "/alerts");
  // Viewers see everything; the controls are disabled for them (the API decides either way).
  const canOperate = hasRole(actor.role, "operator");
  return (
    <>
      <h1>Alerts</h1>
      <div className={styles.stack}>
        <div>
          <Suspense fallback={<Panel title="Alerts" loading />}>
            <AlertsBoard canOperate={canOperate} />
          </Suspense>
        </div>
        <SilencesPanel canOperate={canOperate} />
      </div>
    </>
  );
}
