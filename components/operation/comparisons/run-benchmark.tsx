"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { TaskHandle } from "@/lib/client/api-types";
import { fetchJson } from "@/lib/client/fetch-json";
import { keys } from "@/lib/client/queries";
import { ProgressBar } from "../../ui/progress-bar";
import { TERMINAL_TASK_STATES, useTask } from "../../tasks/use-task";
import { notifyAction } from "../../toast/action-store";
import styles from "./comparisons.module.css";

/** "Run benchmark" for one optimization: submits the task, shows its progress live, then the new comparison. */
export function RunBenchmark(props: { operation: string; strategy: string; disabledReason: string | null }) {
  const qc = useQueryClient();
  const [taskId, setTaskId] = useState<string | null>(null);
  const submit = useMutation({
    mutationFn: () =>
      fetchJson<TaskHandle>("/api/comparisons", { method: "POST", body: JSON.stringify({ operation: props.operation, strategies: [props.strategy] }) }),
    onSuccess: (h) => {
      setTaskId(h.taskId);
      notifyAction(`Benchmark of ${props.strategy} on ${props.operation} started: progress below and on the tasks page.`);
    },
  });
  const task = useTask(taskId);
  const state = task.data?.state;
  const running = submit.isPending || (taskId !== null && (!state || !TERMINAL_TASK_STATES.has(state)));

  useEffect(() => {
    if (state === "completed") {
      void qc.invalidateQueries({ queryKey: keys.comparisons(props.operation) });
      void qc.invalidateQueries({ queryKey: keys.operations });
    }
  }, [state, qc, props.operation]);

  return (
    <div className={styles.benchItem}>
      <button
        type="button"
        className="primary"
        disabled={running || props.disabledReason !== null}
        title={props.disabledReason ?? `Benchmark baseline against ${props.strategy} on identical inputs, interleaved, after a warm-up`}
        onClick={() => submit.mutate()}
        data-testid={`run-benchmark-${props.strategy}`}
      >
        Run benchmark: {props.strategy}
      </button>
      <span className={styles.benchStatus} aria-live="polite">
        {props.disabledReason !== null && !taskId && <span className="muted">{props.disabledReason}</span>}
        {submit.error && <span className="down">Not started: {submit.error.message}</span>}
        {taskId && task.data && (
          <>
            <ProgressBar fraction={task.data.progress} state={task.data.state} label={`Benchmark of ${props.strategy}`} testId="benchmark-progress" />
            <span className={state === "failed" ? "down" : "muted"}>
              {state === "completed"
                ? "done: see the new comparison below"
                : state === "failed"
                  ? `failed: ${task.data.error ?? "unknown error"}`
                  : state === "cancelled"
                    ? "cancelled"
                    : (task.data.message ?? state)}
            </span>
          </>
        )}
        {taskId && !task.data && <span className="muted">{task.error ? `progress unavailable: ${task.error.message}` : "submitted…"}</span>}
      </span>
    </div>
  );
}
