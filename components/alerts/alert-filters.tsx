"use client";
import Link from "next/link";
import { useId } from "react";
import styles from "./alerts.module.css";
import { useOperationNames } from "./operation-options";

export const ALERT_TABS = [
  { value: "open", label: "Open" },
  { value: "firing", label: "Firing" },
  { value: "pending", label: "Pending" },
  { value: "acknowledged", label: "Acknowledged" },
  { value: "resolved", label: "History (resolved)" },
  { value: "all", label: "All" },
] as const;
export type AlertTab = (typeof ALERT_TABS)[number]["value"];

export function parseTab(v: string | null): AlertTab {
  return ALERT_TABS.find((t) => t.value === v)?.value ?? "open";
}

/** URL of the alerts page with these filters (`open` and no operation are the defaults). */
export function alertsHref(tab: AlertTab, operation: string): string {
  const u = new URLSearchParams();
  if (tab !== "open") u.set("state", tab);
  if (operation) u.set("operation", operation);
  const s = u.toString();
  return s ? `/alerts?${s}` : "/alerts";
}

/** State tabs (links, so they are in the URL and history) and the operation filter. */
export function AlertFilters(props: { tab: AlertTab; operation: string; onOperation: (op: string) => void }) {
  const id = useId();
  const names = useOperationNames(props.operation);
  return (
    <div className={styles.tabs}>
      <nav className={styles.tabs} aria-label="Alert state">
        {ALERT_TABS.map((t) => (
          <Link
            key={t.value}
            href={alertsHref(t.value, props.operation)}
            aria-current={props.tab === t.value ? "page" : undefined}
            scroll={false}
            data-testid={`alert-tab-${t.value}`}
          >
            {t.label}
          </Link>
        ))}
      </nav>
      <label className={styles.filter} htmlFor={id}>
        Operation
        <select id={id} value={props.operation} onChange={(e) => props.onOperation(e.target.value)} data-testid="alert-filter-operation">
          <option value="">every operation</option>
          {names.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
