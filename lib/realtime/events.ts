/**
 * The one typed event contract between the server and the browser (Socket.IO).
 * Rooms: `market` (ticks, prices, signals, price alerts, news, jobs).
 */
export interface TickPayload {
  date: string;
  tick: number;
  symbols: number;
  advancers: number;
  decliners: number;
  prices: { symbol: string; close: number; changePct: number | null; volume: number }[];
}

export interface SignalPayload {
  symbol: string;
  date: string;
  kind: string;
  value: number | null;
  detail: string;
}

export interface PriceAlertPayload {
  symbol: string;
  date: string;
  kind: string;
  price: number;
  changePct: number | null;
  threshold: number;
}

export interface JobRunPayload {
  job: string;
  slot: string;
  outcome: "ok" | "error";
  durationMs: number;
  error: string | null;
}

export interface ServerEvents {
  "market:tick": (p: TickPayload) => void;
  "signals:new": (p: { date: string; signals: SignalPayload[] }) => void;
  "price-alerts:new": (p: { date: string; alerts: PriceAlertPayload[] }) => void;
  "news:new": (p: { source: string; inserted: number }) => void;
  "job:finished": (p: JobRunPayload) => void;
}

export interface ClientEvents {
  "room:join": (room: string) => void;
  "room:leave": (room: string) => void;
}

export const ROOMS = ["market"] as const;
export type Room = (typeof ROOMS)[number];

/** The port through which services publish events (implemented over Socket.IO in lib/server). */
export interface Broadcaster {
  publish<E extends keyof ServerEvents>(event: E, payload: Parameters<ServerEvents[E]>[0], room?: Room): void;
}
