import { Fragment, type ReactNode } from "react";
import type { AuditEvent } from "@/lib/client/api-types";
import type { AuditFilter } from "@/lib/client/queries";
import { formatDateTime, formatShortDateTime } from "@/lib/format";
import { ChangeText } from "./change-text";
import { EvidenceView } from "./evidence-view";
import styles from "./audit.module.css";

/**
 * An identifier that may wrap only after its "." and ":" (and at its hyphens): a break anywhere
 * turned `technical-indicators.calculate:memory` into "calculate:me / mory".
 */
function identifier(id: string): ReactNode {
  return id.split(/(?<=[.:])/).map((part, i) => (
    <Fragment key={i}>
      {i > 0 && <wbr />}
      {part}
    </Fragment>
  ));
}

/** One audit event; subject, actor and action are links that filter by them. */
export function AuditRow({ e, onFilter }: { e: AuditEvent; onFilter: (f: AuditFilter) => void }) {
  const pick = (f: AuditFilter, text: string, shown: ReactNode = text) => (
    <button type="button" className={styles.filterLink} onClick={() => onFilter(f)} title={`Show only ${text}`}>
      {shown}
    </button>
  );
  const hasEvidence = e.evidence !== null && e.evidence !== undefined;
  return (
    <tr className={styles.row} data-testid="audit-row">
      <td title={formatDateTime(e.at)}>{formatShortDateTime(e.at)}</td>
      <td>
        {pick({ actor: e.actor }, e.actor)} <span className="muted">({e.actorRole})</span>
      </td>
      <td>{pick({ action: e.action }, e.action)}</td>
      <td className={styles.subject}>
        {pick({ subjectId: e.subjectId }, e.subjectId, identifier(e.subjectId))} <span className="muted">{e.subjectType}</span>
      </td>
      <td>
        <ChangeText before={e.before} after={e.after} />
      </td>
      <td className={styles.reason}>
        {e.reason ?? <span className="muted">—</span>}
        {hasEvidence && (
          <details className={styles.details}>
            <summary>Evidence</summary>
            <EvidenceView evidence={e.evidence} />
          </details>
        )}
      </td>
      <td className="muted">{e.origin ?? ""}</td>
    </tr>
  );
}
