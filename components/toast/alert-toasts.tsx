"use client";
import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import type { Alert } from "@/lib/client/api-types";
import { keys } from "@/lib/client/queries";
import { formatTime } from "@/lib/format";
import type { ServerEvents } from "@/lib/realtime/events";
import { OperationName, SeverityBadge } from "../alerts/alert-badges";
import { ruleLabel } from "../alerts/alert-state";
import alertStyles from "../alerts/alerts.module.css";
import { useRoom, useSocketEvent } from "../realtime/socket-provider";
import styles from "./toast.module.css";

interface Toast {
  key: number;
  alert: Alert;
}

// Same as the rollback toasts: long enough to read; the alert stays on /alerts until resolved.
const DISMISS_AFTER_MS = 20_000;
const MAX_VISIBLE = 5;

/**
 * A toast for every firing alert the monitor notifies (room `alerts`, joined here for every page),
 * and the alert lists kept current: any `alert:changed` refetches the cached alert queries.
 * Shown top right so it never covers the rollback toasts (bottom right).
 */
export function AlertToasts() {
  useRoom("alerts");
  const qc = useQueryClient();
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(0);
  const timers = useRef(new Set<ReturnType<typeof setTimeout>>());
  const dismiss = useCallback((key: number) => setToasts((ts) => ts.filter((t) => t.key !== key)), []);

  useSocketEvent(
    "alert:notify",
    useCallback<ServerEvents["alert:notify"]>(
      (alert) => {
        const key = next.current++;
        // A repeated notification of the same alert replaces its older toast.
        setToasts((ts) => [...ts.filter((t) => t.alert.id !== alert.id).slice(-(MAX_VISIBLE - 1)), { key, alert }]);
        const timer = setTimeout(() => {
          timers.current.delete(timer);
          dismiss(key);
        }, DISMISS_AFTER_MS);
        timers.current.add(timer);
        void qc.invalidateQueries({ queryKey: keys.alertsAll });
      },
      [dismiss, qc],
    ),
  );
  useSocketEvent(
    "alert:changed",
    useCallback<ServerEvents["alert:changed"]>(() => void qc.invalidateQueries({ queryKey: keys.alertsAll }), [qc]),
  );
  useEffect(() => {
    const all = timers.current;
    return () => all.forEach(clearTimeout);
  }, []);

  return (
    <div className={`${styles.area} ${alertStyles.toastArea}`} role="region" aria-label="Alert notifications" aria-live="assertive">
      {toasts.map(({ key, alert: a }) => (
        <div
          key={key}
          className={`${styles.toast} ${alertStyles.toast}`}
          data-severity={a.severity}
          role="alert"
          data-testid="toast-alert"
          data-alert-id={a.id}
        >
          <div className={`${styles.text} in-text`}>
            <div className={alertStyles.line}>
              <SeverityBadge severity={a.severity} />
              <OperationName operation={a.operation} />
              <strong>{ruleLabel(a.rule)}</strong>
            </div>
            {a.summary} <Link href="/alerts">All alerts</Link>
          </div>
          <button className={styles.close} onClick={() => dismiss(key)} aria-label="Dismiss alert">
            ×
          </button>
          <span className={`muted ${styles.meta}`}>firing since {formatTime(a.firingAt ?? a.startedAt)}</span>
        </div>
      ))}
    </div>
  );
}
