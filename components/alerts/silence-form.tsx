"use client";
import { useId, useState, type FormEvent } from "react";
import { ALERT_RULES } from "@/lib/optimizer/alerts/types";
import { ruleLabel } from "./alert-state";
import styles from "./alerts.module.css";
import { useOperationNames } from "./operation-options";
import type { SilenceInput } from "./use-alert-actions";

const DURATIONS = [
  { minutes: 30, label: "30 min" },
  { minutes: 60, label: "1 h" },
  { minutes: 240, label: "4 h" },
  { minutes: 1440, label: "24 h" },
  { minutes: 10080, label: "7 days" },
] as const;

/** A new silence: operation and/or rule, a duration and a comment (matching alerts are tracked, not toasted). */
export function SilenceForm(props: { canOperate: boolean; pending: boolean; error: Error | null; onCreate: (s: SilenceInput, done: () => void) => void }) {
  const id = useId();
  const names = useOperationNames();
  const [operation, setOperation] = useState("");
  const [rule, setRule] = useState("");
  const [minutes, setMinutes] = useState(60);
  const [comment, setComment] = useState("");
  const scoped = operation !== "" || rule !== "";
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!scoped || !comment.trim()) return;
    props.onCreate({ ...(operation ? { operation } : {}), ...(rule ? { rule } : {}), durationMinutes: minutes, comment: comment.trim() }, () => setComment(""));
  };
  return (
    <form className={styles.form} onSubmit={submit} aria-label="Create a silence">
      <label htmlFor={`${id}-op`}>
        Operation
        <select id={`${id}-op`} value={operation} onChange={(e) => setOperation(e.target.value)} data-testid="silence-operation">
          <option value="">every operation</option>
          {names.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <label htmlFor={`${id}-rule`}>
        Rule
        <select id={`${id}-rule`} value={rule} onChange={(e) => setRule(e.target.value)} data-testid="silence-rule">
          <option value="">every rule</option>
          {ALERT_RULES.map((r) => (
            <option key={r} value={r}>
              {ruleLabel(r)}
            </option>
          ))}
        </select>
      </label>
      <label htmlFor={`${id}-duration`}>
        Duration
        <select id={`${id}-duration`} value={minutes} onChange={(e) => setMinutes(Number(e.target.value))} data-testid="silence-duration">
          {DURATIONS.map((d) => (
            <option key={d.minutes} value={d.minutes}>
              {d.label}
            </option>
          ))}
        </select>
      </label>
      <label htmlFor={`${id}-comment`}>
        Comment (required)
        <input
          id={`${id}-comment`}
          type="text"
          value={comment}
          maxLength={500}
          required
          placeholder="e.g. load test until 15:00"
          onChange={(e) => setComment(e.target.value)}
          data-testid="silence-comment"
        />
      </label>
      <button
        type="submit"
        className="primary"
        disabled={!props.canOperate || props.pending || !scoped || !comment.trim()}
        title={props.canOperate ? undefined : "Requires the operator role"}
        data-testid="silence-submit"
      >
        {props.pending ? "Silencing…" : "Silence"}
      </button>
      {!props.canOperate && <span className="muted">Requires the operator role</span>}
      {props.canOperate && !scoped && <span className="muted">Choose an operation, a rule or both.</span>}
      {props.error && (
        <span className={styles.error} role="alert">
          Could not create the silence: {props.error.message}
        </span>
      )}
    </form>
  );
}
