import styles from "./ui.module.css";

/** An accessible progress bar; `fraction` is 0..1 as the task API reports it. */
export function ProgressBar(props: { fraction: number; state?: string; label: string; testId?: string }) {
  const pct = Math.round(Math.max(0, Math.min(1, props.fraction)) * 100);
  return (
    <div className={styles.progressRow}>
      <div
        className={styles.progress}
        role="progressbar"
        aria-label={props.label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        data-state={props.state}
        data-testid={props.testId}
      >
        <div className={styles.progressFill} style={{ width: `${pct}%` }} />
      </div>
      <span>{pct}%</span>
    </div>
  );
}
