import Link from "next/link";
import type { Operation } from "@/lib/client/api-types";
import { operationHref } from "@/lib/client/queries";
import { StateBadge } from "../ui/state-badge";
import { Improvement } from "./improvement";
import { LiveP95 } from "./live-p95";
import styles from "./overview.module.css";

/** One operation: its optimizations with their state and measured improvement, the A/A control apart, and live p95. */
export function OperationRow({ op }: { op: Operation }) {
  const opts = op.optimizations.filter((o) => o.strategy !== "identity");
  const aa = op.optimizations.find((o) => o.strategy === "identity");
  return (
    <tr data-testid={`operation-${op.name}`}>
      <td className={styles.cell}>
        <Link href={operationHref(op.name)} className={styles.opName}>
          {op.name}
        </Link>
        <span className={`muted ${styles.opTitle}`}>{op.title}</span>
      </td>
      <td className={styles.cell}>
        {opts.length === 0 ? (
          <span className="muted">no optimizations apply</span>
        ) : (
          <ul className={styles.optList}>
            {opts.map((o) => (
              <li key={o.id}>
                <StateBadge strategy={o.strategy} state={o.state} percent={o.percent} testId={`badge-${o.id}`} />
                <Improvement comparison={o.comparison} testId={`improvement-${o.id}`} />
              </li>
            ))}
          </ul>
        )}
        {aa && aa.state !== "off" && (
          <div className={`muted ${styles.aa}`}>
            A/A control: <StateBadge state={aa.state} percent={aa.percent} />
          </div>
        )}
      </td>
      <td className={styles.cell}>
        <LiveP95 operation={op.name} />
      </td>
    </tr>
  );
}
