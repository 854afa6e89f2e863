"use client";
import { useEffect, useRef, useState } from "react";
import styles from "./controls.module.css";

function valid(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 99;
}

/**
 * The canary percentage: a slider and a number input showing the exact value. While the state
 * is canary a change is applied after a short pause (one request per adjustment, not per pixel);
 * otherwise it is kept and applied when canary is chosen.
 */
export function PercentControl(props: {
  strategy: string;
  value: number;
  isCanary: boolean;
  disabled: boolean;
  onDraft: (v: number) => void;
  onCommit: (v: number) => void;
}) {
  const [text, setText] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  const change = (v: number, delayMs: number) => {
    props.onDraft(v);
    if (timer.current) clearTimeout(timer.current);
    if (!props.isCanary) return;
    timer.current = setTimeout(() => props.onCommit(v), delayMs);
  };
  const shown = text ?? String(props.value);
  const invalid = text !== null && !valid(Number(text));
  const id = `percent-${props.strategy}`;

  return (
    <div className={styles.percent} data-pending={!props.isCanary} title={props.isCanary ? undefined : "Applied when Canary is chosen"}>
      <label htmlFor={`${id}-slider`}>Canary %{!props.isCanary && <span className="sr-only"> (applied when Canary is chosen)</span>}</label>
      <input
        id={`${id}-slider`}
        type="range"
        min={1}
        max={99}
        step={1}
        value={props.value}
        disabled={props.disabled}
        onChange={(e) => change(Number(e.target.value), 400)}
        aria-valuetext={`${props.value}% of calls`}
        data-testid={`percent-slider-${props.strategy}`}
      />
      <input
        type="number"
        min={1}
        max={99}
        step={1}
        inputMode="numeric"
        aria-label={`Canary percentage of ${props.strategy}`}
        aria-invalid={invalid}
        value={shown}
        disabled={props.disabled}
        onChange={(e) => {
          setText(e.target.value);
          const n = Number(e.target.value);
          if (e.target.value !== "" && valid(n)) change(n, 600);
        }}
        onKeyDown={(e) => {
          const n = Number(text);
          if (e.key === "Enter" && text !== null && valid(n)) change(n, 0);
        }}
        onBlur={() => setText(null)}
        data-testid={id}
      />
      {invalid && (
        <span className={styles.error} role="alert" style={{ gridColumn: "1 / -1" }}>
          A whole number from 1 to 99.
        </span>
      )}
    </div>
  );
}
