import type { Bar } from "./types";
import type { PriceAlertPayload, SignalPayload, TickPayload } from "./types";

/**
 * The ports the market services depend on. Implementations live in lib/server (Postgres,
 * Socket.IO); tests pass in-memory ones. Services never import a database or socket library.
 */
export interface BarSource {
  listSymbols(): Promise<string[]>;
  /** One symbol's bars up to and including `asOf`, as row objects (the baseline's form). */
  barsUpTo(symbol: string, asOf: string): Promise<Bar[]>;
}

export interface LatestPriceRow {
  symbol: string;
  date: string;
  close: number;
  prevClose: number | null;
  changePct: number | null;
  volume: number;
}

export interface MarketClockState {
  currentDate: string;
  tickCount: number;
}

export interface ClockStore {
  read(): Promise<MarketClockState | null>;
  /** The first trading day strictly after `date` (null: end of the data). */
  nextTradingDay(after: string): Promise<string | null>;
  firstTradingDayOnOrAfter(date: string): Promise<string | null>;
  /** Moves the clock and refreshes latest prices for that day, atomically. */
  advanceTo(date: string, tickCount: number, restart: boolean): Promise<LatestPriceRow[]>;
}

export interface PriceStore {
  latestPrices(): Promise<LatestPriceRow[]>;
}

export interface WatchItemRow {
  id: number;
  symbol: string;
  above: number | null;
  below: number | null;
}

export interface PriceAlertStore {
  watchItems(): Promise<WatchItemRow[]>;
  /** Stores alerts not stored yet (symbol, date, kind, watch); returns the new ones. */
  insertAlerts(alerts: (PriceAlertPayload & { watchId: number })[]): Promise<PriceAlertPayload[]>;
}

export interface SignalStore {
  /** Stores signals not stored yet (symbol, date, kind); returns the new ones. */
  insertSignals(signals: SignalPayload[]): Promise<SignalPayload[]>;
}

export interface SnapshotRow {
  takenAt: Date;
  marketDate: string;
  symbol: string;
  price: number;
  change: number | null;
  changePct: number | null;
  volume: number;
}

export interface SnapshotStore {
  /** Baseline: one INSERT per row. */
  insertOne(row: SnapshotRow): Promise<void>;
}

export interface NewsCountSource {
  /** Articles mentioning each symbol. */
  countMentions(symbols: string[]): Promise<Record<string, number>>;
}

export interface RecentSignalSource {
  recentSignals(symbols: string[], limit: number): Promise<(SignalPayload & { createdAt: string })[]>;
}

export type { TickPayload };
