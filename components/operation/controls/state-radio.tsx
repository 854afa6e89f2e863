"use client";
import type { OptimizationStateName } from "@/lib/optimizer/types";
import styles from "./controls.module.css";

const CHOICES: { state: Exclude<OptimizationStateName, "rolled_back">; label: string; hint: string }[] = [
  { state: "off", label: "Off", hint: "every call runs the baseline" },
  { state: "shadow", label: "Shadow", hint: "both run on a sample of calls; the baseline's result is returned and compared" },
  { state: "canary", label: "Canary", hint: "the chosen percentage of calls use the optimization" },
  { state: "on", label: "On", hint: "every call uses the optimization" },
];

/** The state of one optimization as a native radio group (arrow keys move, space selects). */
export function StateRadio(props: { strategy: string; state: OptimizationStateName; disabled: boolean; onSelect: (s: OptimizationStateName) => void }) {
  return (
    <fieldset className={styles.states} disabled={props.disabled}>
      <legend>State of {props.strategy}</legend>
      {CHOICES.map((c) => (
        <label key={c.state} title={c.hint}>
          <input
            type="radio"
            name={`state-${props.strategy}`}
            value={c.state}
            checked={props.state === c.state}
            onChange={() => props.onSelect(c.state)}
            data-testid={`state-${props.strategy}-${c.state}`}
          />
          {c.label}
        </label>
      ))}
    </fieldset>
  );
}
