import Link from "next/link";
import type { Alert } from "@/lib/client/api-types";
import { operationHref } from "@/lib/client/queries";
import { DATABASE_OPERATION } from "@/lib/optimizer/alerts/types";
import { PROCESS_OPERATION } from "@/lib/optimizer/monitor/types";
import type { AlertDisplayState } from "./alert-state";
import styles from "./alerts.module.css";

export function SeverityBadge({ severity }: { severity: Alert["severity"] }) {
  return (
    <span className={styles.severity} data-severity={severity}>
      {severity}
    </span>
  );
}

export function AlertStateBadge({ state }: { state: AlertDisplayState }) {
  return (
    <span className={styles.state} data-state={state}>
      {state}
    </span>
  );
}

/** The operation, linked to its page (the pseudo-operations `process` and `database` have none). */
export function OperationName({ operation }: { operation: string }) {
  return operation === PROCESS_OPERATION || operation === DATABASE_OPERATION ? (
    <span>{operation}</span>
  ) : (
    <Link href={operationHref(operation)}>{operation}</Link>
  );
}
