"use client";
import Link from "next/link";
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { operationHref } from "@/lib/client/queries";
import { formatTime } from "@/lib/format";
import type { ServerEvents } from "@/lib/realtime/events";
import { useSocketEvent } from "../realtime/socket-provider";
import { actionSnapshot, dismissAction, serverActionSnapshot, subscribeActions } from "./action-store";
import styles from "./toast.module.css";

interface Toast {
  key: number;
  operation: string;
  strategy: string;
  summary: string;
  at: string;
}

// Long enough to read a summary on a second screen; the audit log keeps it for good.
const DISMISS_AFTER_MS = 20_000;

/** The notification area: a toast for every rollback the server announces (automatic ones), and for this user's own actions (action-store), on any page (room `optimizations`, joined by OptimizationEvents). */
export function RollbackToasts() {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(0);
  const timers = useRef(new Set<ReturnType<typeof setTimeout>>());
  const actions = useSyncExternalStore(subscribeActions, actionSnapshot, serverActionSnapshot);
  const dismiss = useCallback((key: number) => setToasts((ts) => ts.filter((t) => t.key !== key)), []);

  useSocketEvent(
    "optimization:rolled-back",
    useCallback<ServerEvents["optimization:rolled-back"]>(
      (p) => {
        const key = next.current++;
        const o = p.optimization;
        setToasts((ts) => [...ts.slice(-4), { key, operation: o.operation, strategy: o.strategy, summary: p.summary, at: o.updatedAt }]);
        const timer = setTimeout(() => {
          timers.current.delete(timer);
          dismiss(key);
        }, DISMISS_AFTER_MS);
        timers.current.add(timer);
      },
      [dismiss],
    ),
  );
  useEffect(() => {
    const all = timers.current;
    return () => all.forEach(clearTimeout);
  }, []);

  return (
    <div className={styles.area} role="region" aria-label="Notifications" aria-live="assertive">
      {actions.map((t) => (
        <div key={`a${t.key}`} className={styles.toast} data-tone={t.tone} role={t.tone === "bad" ? "alert" : "status"} data-testid="toast-action">
          <p className={styles.text}>{t.text}</p>
          <button className={styles.close} onClick={() => dismissAction(t.key)} aria-label="Dismiss">
            ×
          </button>
          <span className={`muted ${styles.meta}`}>{formatTime(t.at)}</span>
        </div>
      ))}
      {toasts.map((t) => (
        <div key={t.key} className={styles.toast} role="alert" data-testid="toast-rollback">
          <p className={`${styles.text} in-text`}>
            <Link href={operationHref(t.operation)}>{t.operation}</Link> <strong>{t.strategy}</strong> rolled back: {t.summary}
          </p>
          <button className={styles.close} onClick={() => dismiss(t.key)} aria-label="Dismiss">
            ×
          </button>
          <span className={`muted ${styles.meta}`}>{formatTime(t.at)}</span>
        </div>
      ))}
    </div>
  );
}
