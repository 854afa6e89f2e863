/**
 * The one typed event contract between the server and the browser (Socket.IO).
 * Rooms: `market` (ticks, prices, signals, price alerts, news, jobs).
 */
import type { PriceAlertPayload, SignalPayload, TickPayload } from "../market/types";

export type { PriceAlertPayload, SignalPayload, TickPayload };

export interface JobRunPayload {
  job: string;
  slot: string;
  outcome: "ok" | "error";
  durationMs: number;
  error: string | null;
}

export interface TaskPayload {
  taskId: string;
  operation: string;
  state: "queued" | "processing" | "completed" | "failed" | "cancelled";
  progress: number;
  message: string | null;
  estimatedSeconds: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}

export interface OptimizationPayload {
  id: string;
  operation: string;
  strategy: string;
  state: string;
  percent: number;
  reason: string | null;
  version: number;
  updatedAt: string;
  updatedBy: string;
}

/** Per-second aggregate of one operation and variant (live charts). */
export interface MetricPayload {
  at: number;
  operation: string;
  variant: string;
  count: number;
  errors: number;
  p50Ms: number | null;
  p95Ms: number | null;
  memoryMeanBytes: number | null;
}

/** An alert as the dashboard shows it (room `alerts`). Times are ISO strings. */
export interface AlertPayload {
  id: string;
  fingerprint: string;
  operation: string;
  variant: string;
  rule: string;
  severity: "warning" | "critical";
  state: "pending" | "firing" | "resolved" | "discarded";
  summary: string;
  /** Values, thresholds, sample sizes, test and window of the finding. */
  evidence: unknown;
  startedAt: string;
  firingAt: string | null;
  lastSeenAt: string;
  clearedAt: string | null;
  resolvedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  ackNote: string | null;
  ackExpiresAt: string | null;
  notifiedAt: string | null;
  reopenCount: number;
}

/**
 * Whether the instance reaches its database, and since when it does not (ISO; null while up).
 * `/api/ping` answers the same fields, so a page loaded during an outage knows it too.
 */
export interface DatabaseStatusPayload {
  database: "up" | "down";
  downSince: string | null;
}

export interface ServerEvents {
  "market:tick": (p: TickPayload) => void;
  "signals:new": (p: { date: string; signals: SignalPayload[] }) => void;
  "price-alerts:new": (p: { date: string; alerts: PriceAlertPayload[] }) => void;
  "news:new": (p: { source: string; inserted: number }) => void;
  "job:finished": (p: JobRunPayload) => void;
  "task:updated": (p: TaskPayload) => void;
  "optimization:changed": (p: OptimizationPayload) => void;
  "optimization:rolled-back": (p: { optimization: OptimizationPayload; summary: string }) => void;
  "shadow:mismatch": (p: { operation: string; variant: string; inputKey: string; diff: string }) => void;
  "metrics:second": (p: { at: number; aggregates: MetricPayload[] }) => void;
  "analysis:update": (p: { asOf: string; symbolsScanned: number; detected: number; inserted: number }) => void;
  /** An alert changed state, was acknowledged or resolved (room `alerts`); `discarded` = a pending blip that cleared. */
  "alert:changed": (p: AlertPayload) => void;
  /** A firing alert to toast (once per alert; again only after an acknowledgement expires). */
  "alert:notify": (p: AlertPayload) => void;
  /**
   * The instance lost or regained its database: to every browser of that instance (published
   * locally: the Socket.IO adapter itself runs over the database).
   */
  "system:database": (p: DatabaseStatusPayload) => void;
}

export interface ClientEvents {
  "room:join": (room: string) => void;
  "room:leave": (room: string) => void;
}

export const ROOMS = ["market", "tasks", "optimizations", "metrics", "alerts"] as const;
export type Room = (typeof ROOMS)[number];

/** The port through which services publish events (implemented over Socket.IO in lib/server). */
export interface Broadcaster {
  /** To every browser on every instance (through the Socket.IO adapter). */
  publish<E extends keyof ServerEvents>(event: E, payload: Parameters<ServerEvents[E]>[0], room?: Room): void;
  /**
   * To this instance's browsers only: for events every instance derives by itself (an optimization
   * change each one reloads after NOTIFY), which would otherwise reach each browser once per instance.
   */
  publishLocal?<E extends keyof ServerEvents>(event: E, payload: Parameters<ServerEvents[E]>[0], room?: Room): void;
}
