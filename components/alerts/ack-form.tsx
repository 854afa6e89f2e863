"use client";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import styles from "./alerts.module.css";

const EXPIRY = [
  { hours: 0, label: "none (until resolved)" },
  { hours: 1, label: "1 h" },
  { hours: 4, label: "4 h" },
  { hours: 24, label: "24 h" },
] as const;

/** Acknowledge one alert with a note and an optional expiry (no toasts until then). */
export function AckForm(props: {
  alertLabel: string;
  pending: boolean;
  error: Error | null;
  onSubmit: (note: string, expiresAt: string | null) => void;
  onCancel: () => void;
}) {
  const id = useId();
  const [note, setNote] = useState("");
  const [hours, setHours] = useState(0);
  const noteRef = useRef<HTMLInputElement>(null);
  useEffect(() => noteRef.current?.focus(), []);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!note.trim()) return;
    props.onSubmit(note.trim(), hours > 0 ? new Date(Date.now() + hours * 3_600_000).toISOString() : null);
  };
  return (
    <form className={styles.form} onSubmit={submit} aria-label={`Acknowledge ${props.alertLabel}`} onKeyDown={(e) => e.key === "Escape" && props.onCancel()}>
      <label htmlFor={`${id}-note`}>
        Note (required)
        <input
          id={`${id}-note`}
          ref={noteRef}
          type="text"
          value={note}
          maxLength={1000}
          required
          placeholder="e.g. known, investigating the cache eviction"
          onChange={(e) => setNote(e.target.value)}
          data-testid="alert-ack-note"
        />
      </label>
      <label htmlFor={`${id}-expiry`}>
        Acknowledgement expires after
        <select id={`${id}-expiry`} value={hours} onChange={(e) => setHours(Number(e.target.value))} data-testid="alert-ack-expiry">
          {EXPIRY.map((x) => (
            <option key={x.hours} value={x.hours}>
              {x.label}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="primary" disabled={props.pending || !note.trim()} data-testid="alert-ack-submit">
        {props.pending ? "Acknowledging…" : "Acknowledge"}
      </button>
      <button type="button" onClick={props.onCancel}>
        Cancel
      </button>
      {props.error && (
        <span className={styles.error} role="alert">
          Could not acknowledge: {props.error.message}
        </span>
      )}
    </form>
  );
}
