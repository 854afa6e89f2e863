import type { ReactNode } from "react";
import styles from "./panel.module.css";

/** A titled dashboard panel with the loading, error and empty states every widget needs. */
export function Panel(props: {
  title: ReactNode;
  aside?: ReactNode;
  loading?: boolean;
  error?: unknown;
  onRetry?: () => void;
  empty?: ReactNode | false;
  scroll?: boolean;
  testId?: string;
  children?: ReactNode;
}) {
  let body: ReactNode = props.children;
  if (props.error) {
    body = (
      <div className={styles.error} role="alert">
        Could not load: {props.error instanceof Error ? props.error.message : String(props.error)}{" "}
        {props.onRetry && <button onClick={props.onRetry}>Retry</button>}
      </div>
    );
  } else if (props.loading) {
    body = <div className={styles.skeleton} role="status" aria-busy="true" aria-label="Loading" />;
  } else if (props.empty) {
    body = <div className={styles.empty}>{props.empty}</div>;
  }
  return (
    <section className={styles.panel} data-testid={props.testId}>
      <h2 className={styles.title}>
        <span>{props.title}</span>
        {props.aside && <span className="muted">{props.aside}</span>}
      </h2>
      {props.scroll ? (
        // A scrolling region must be reachable by keyboard (axe: scrollable-region-focusable).
        <div className={styles.scroll} tabIndex={0} role="region" aria-label={typeof props.title === "string" ? props.title : "Scrollable content"}>
          {body}
        </div>
      ) : (
        <div>{body}</div>
      )}
    </section>
  );
}
