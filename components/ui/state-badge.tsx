import { stateLabel } from "@/lib/format";
import type { OptimizationStateName } from "@/lib/optimizer/types";
import styles from "./ui.module.css";

/** `strategy: state` of one optimization, coloured by state (canary shows its share of calls). */
export function StateBadge(props: { strategy?: string; state: OptimizationStateName; percent: number; testId?: string }) {
  const label = stateLabel(props.state, props.percent);
  return (
    <span className={styles.badge} data-state={props.state} data-testid={props.testId}>
      {props.strategy && <span className={styles.strategy}>{props.strategy}</span>}
      {label}
    </span>
  );
}
