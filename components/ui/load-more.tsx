"use client";
import styles from "./ui.module.css";

/**
 * Under a paged list: how many rows are shown, and a "Load more" button while the API says more
 * follow (`nextCursor`). Nothing when the list fits on its first page.
 */
export function LoadMore(props: {
  shown: number;
  hasMore: boolean;
  loading: boolean;
  error: Error | null;
  onMore: () => void;
  /** What is shown, e.g. "newest tasks" ("Showing the 100 newest tasks."). */
  what: string;
  testId?: string;
}) {
  if (!props.hasMore && !props.error) return null;
  return (
    <div className={styles.loadMore} data-testid={props.testId}>
      <span className="muted">
        Showing the {props.shown.toLocaleString("en")} {props.what}.
      </span>
      {props.hasMore && (
        <button type="button" onClick={props.onMore} disabled={props.loading} aria-busy={props.loading}>
          {props.loading ? "Loading…" : "Load more"}
        </button>
      )}
      {props.error && (
        <span className="down" role="alert">
          Could not load more: {props.error.message}
        </span>
      )}
    </div>
  );
}
