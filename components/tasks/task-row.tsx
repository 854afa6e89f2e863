"use client";
import type { Task } from "@/lib/client/api-types";
import { formatSeconds, formatTime } from "@/lib/format";
import { ProgressBar } from "../ui/progress-bar";
import styles from "./tasks.module.css";

function elapsedSeconds(t: Task, now: number): number | null {
  if (!t.startedAt) return null;
  const end = t.finishedAt ? Date.parse(t.finishedAt) : now;
  return Math.max(0, (end - Date.parse(t.startedAt)) / 1000);
}

/** Time left from the task's estimate and how long it has run (the estimate is the operation's median duration). */
function remaining(t: Task, now: number): string {
  if (t.state !== "queued" && t.state !== "processing") return "—";
  if (t.estimatedSeconds === null) return "not enough data";
  if (t.state === "queued" || !t.startedAt) return `${formatSeconds(t.estimatedSeconds)} once started`;
  const left = t.estimatedSeconds - (now - Date.parse(t.startedAt)) / 1000;
  return left >= 0 ? formatSeconds(left) : `over the estimate by ${formatSeconds(-left)}`;
}

/** One background task: state, live progress, duration, estimate, result link and cancel. */
export function TaskRow(props: { task: Task; now: number; onCancel: (id: string) => void; cancelling: boolean }) {
  const t = props.task;
  const cancellable = t.state === "queued" || t.state === "processing";
  // The last progress message ("indicators 1/14") is stale once the task has finished.
  const message = t.error ?? (t.state === "completed" ? "done" : t.state === "cancelled" ? "cancelled" : (t.message ?? ""));
  return (
    <tr data-testid="task-row" data-task-id={t.taskId} data-state={t.state}>
      <td>
        {t.operation}
        <div className={`muted mono ${styles.id}`}>{t.taskId}</div>
      </td>
      <td>{formatTime(t.createdAt ?? t.startedAt)}</td>
      <td className={styles.state} data-state={t.state}>
        {t.state}
      </td>
      <td>
        <ProgressBar fraction={t.progress} state={t.state} label={`Progress of task ${t.taskId}`} testId="task-progress" />
      </td>
      <td className="num">{formatSeconds(elapsedSeconds(t, props.now))}</td>
      <td>{remaining(t, props.now)}</td>
      <td className={`${styles.message} ${t.error ? "down" : "muted"}`} title={message || undefined}>
        {message}
      </td>
      <td>
        <div className={styles.actions}>
          {t.state === "completed" && (
            <a href={`/api/tasks/task/${encodeURIComponent(t.taskId)}/result`} target="_blank" rel="noreferrer" data-testid="task-result">
              Result
            </a>
          )}
          {cancellable && (
            <button type="button" onClick={() => props.onCancel(t.taskId)} disabled={props.cancelling} data-testid="task-cancel">
              Cancel
            </button>
          )}
        </div>
      </td>
    </tr>
  );
}
