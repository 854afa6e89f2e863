import type { OptimizationStateName } from "@/lib/optimizer/types";
import styles from "./ui.module.css";

/** `strategy: state` of one optimization, coloured by state (canary shows its share of calls). */
export function StateBadge(props: { strategy?: string; state: OptimizationStateName; percent: number; testId?: string }) {
  const label = props.state === "canary" ? `canary ${formatPercent(props.percent)}` : props.state === "rolled_back" ? "rolled back" : props.state;
  return (
    <span className={styles.badge} data-state={props.state} data-testid={props.testId}>
      {props.strategy && <span className={styles.strategy}>{props.strategy}</span>}
      {label}
    </span>
  );
}

/** A rollout percentage as the server stores it (it may be fractional). */
export function formatPercent(p: number): string {
  return `${Number.isInteger(p) ? p : p.toFixed(1)}%`;
}
