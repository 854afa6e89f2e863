"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import type { Task } from "@/lib/client/api-types";
import { mapPagedItems } from "@/lib/client/paged";
import { keys, tasksQuery } from "@/lib/client/queries";
import type { TaskPayload } from "@/lib/realtime/events";
import { useRoom, useSocketEvent } from "../realtime/socket-provider";

/**
 * Writes `task:updated` events into the cached task and task list (room `tasks`). Mount once per
 * page that shows tasks; an unknown task in the list triggers a refetch of the list.
 */
export function TaskFeed() {
  useRoom("tasks");
  const qc = useQueryClient();
  const onTask = useCallback(
    (p: TaskPayload) => {
      qc.setQueryData<Task>(keys.task(p.taskId), (old) => (old ? { ...old, ...p } : undefined));
      let known = false;
      qc.setQueryData(tasksQuery.queryKey, (old) =>
        mapPagedItems(old, "tasks", (t) => {
          if (t.taskId !== p.taskId) return t;
          known = true;
          return { ...t, ...p };
        }),
      );
      // A task not in the loaded pages is new: refetch (the first page shows it, newest first).
      if (!known && qc.getQueryData(keys.tasks)) void qc.invalidateQueries({ queryKey: keys.tasks });
    },
    [qc],
  );
  useSocketEvent("task:updated", onTask);
  return null;
}
