/** Background tasks as the API returns them (the `queue` strategy's calls and on-demand benchmarks). */
import type { TaskPayload } from "../realtime/events";

/** The answer to a call that became a background task (HTTP 202): where to poll for its result. */
export interface TaskHandle {
  taskId: string;
  status: "processing";
  estimatedSeconds: number | null;
  resultUrl: string;
}

/** A task as `GET /api/tasks` lists it. */
export interface TaskListItem extends TaskPayload {
  createdAt: string;
  attempts: number;
}

/** One task as `GET /api/tasks/:id` returns it. */
export interface TaskDetail extends TaskListItem {
  input: unknown;
  createdBy: string;
  resultUrl: string;
}
