"use client";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import type { Task } from "@/lib/client/api-types";
import { fetchJson } from "@/lib/client/fetch-json";
import { mapPagedItems, pagedItems } from "@/lib/client/paged";
import { keys, tasksQuery } from "@/lib/client/queries";
import { useNow } from "@/lib/client/use-now";
import { TaskFeed } from "../live/task-feed";
import { Panel } from "../panel";
import { LoadMore } from "../ui/load-more";
import { TaskRow } from "./task-row";

/** Background tasks, newest first, with live progress (room `tasks`). */
export function TasksBoard() {
  const qc = useQueryClient();
  const q = useInfiniteQuery(tasksQuery);
  const now = useNow(1000);
  const cancel = useMutation({
    mutationFn: (id: string) => fetchJson<Task>(`/api/tasks/${encodeURIComponent(id)}/cancel`, { method: "POST" }),
    onSuccess: (t) => qc.setQueryData(tasksQuery.queryKey, (old) => mapPagedItems(old, "tasks", (x) => (x.taskId === t.taskId ? { ...x, ...t } : x))),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.tasks }),
  });
  const tasks = pagedItems(q.data, "tasks");
  const running = tasks.filter((t) => t.state === "queued" || t.state === "processing").length;
  return (
    <>
      <TaskFeed />
      <Panel
        title="Background tasks"
        aside={q.data && `${running} running or queued · ${tasks.length} shown`}
        loading={q.isPending}
        error={q.isFetchNextPageError ? null : q.error}
        onRetry={() => void q.refetch()}
        empty={
          q.data && tasks.length === 0 && "No tasks yet: run a benchmark on an operation's page, or turn on the queue optimization of a queueable operation."
        }
        testId="tasks"
      >
        {cancel.error && (
          <div className="down" role="alert">
            Could not cancel: {cancel.error.message}
          </div>
        )}
        <div style={{ overflowX: "auto" }}>
          <table>
            <thead>
              <tr>
                <th>Task</th>
                <th>Created</th>
                <th>State</th>
                <th>Progress</th>
                <th className="num">Duration</th>
                <th>Time left (estimate)</th>
                <th>Message</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {tasks.map((t) => (
                <TaskRow
                  key={t.taskId}
                  task={t}
                  now={now}
                  onCancel={(id) => cancel.mutate(id)}
                  cancelling={cancel.isPending && cancel.variables === t.taskId}
                />
              ))}
            </tbody>
          </table>
        </div>
        <LoadMore
          shown={tasks.length}
          hasMore={q.hasNextPage}
          loading={q.isFetchingNextPage}
          error={q.isFetchNextPageError ? q.error : null}
          onMore={() => void q.fetchNextPage()}
          what="newest tasks"
          testId="tasks-more"
        />
      </Panel>
    </>
  );
}
