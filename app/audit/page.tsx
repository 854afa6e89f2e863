import { requirePageSession } from "@/lib/server/domains/auth/page-session";
import { Suspense } from "react";
import { AuditBoard } from "@/components/audit/audit-board";
import { Panel } from "@/components/panel";

export const metadata = { title: "Audit · Perfpilot" };
export const dynamic = "force-dynamic";

export default async function AuditPage() {
  await requirePageSession("viewer", "/audit");
  return (
    <>
      <h1>Audit log</h1>
      <Suspense fallback={<Panel title="Audit log" loading />}>
        <AuditBoard />
      </Suspense>
    </>
  );
}
