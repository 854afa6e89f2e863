import type pg from "pg";
import { defaultNewsSources } from "../../../market/news/sources";
import type { IndicatorPoolPort } from "../../../market/ports-compact";
import type { OperationDeps } from "../../../operations/operation-module";
import type { Broadcaster } from "../../../realtime/events";
import { env } from "../../../env";
import { pgColumnStore } from "./pg-column-store";
import { pgBatchSnapshotStore } from "./pg-snapshots-batched";
import { pgBarSource, pgClockStore, pgNewsStore, pgPriceAlertStore, pgPriceStore, pgSignalStore, pgSnapshotStore } from "./pg-stores";

/** The operations' ports over Postgres, Socket.IO and the worker pool (built once at start). */
export function pgOperationDeps(d: { pool: pg.Pool; broadcaster: Broadcaster; workers: IndicatorPoolPort }): Omit<OperationDeps, "invoke"> {
  const bars = pgBarSource(d.pool);
  let universe: Promise<Set<string>> | null = null;
  // The optimized variants read the price history from memory (the baseline keeps its per-call
  // reads: it is the "before"). Loaded now, after the import (server.ts imports first), so the
  // first request does not pay the load; a failed load is retried by the first read.
  const columns = pgColumnStore(d.pool);
  columns.ready().catch(() => undefined);
  return {
    bars,
    columns,
    clock: pgClockStore(d.pool),
    prices: pgPriceStore(d.pool),
    signals: pgSignalStore(d.pool),
    news: pgNewsStore(d.pool),
    priceAlerts: pgPriceAlertStore(d.pool),
    snapshots: pgSnapshotStore(d.pool),
    batchSnapshots: pgBatchSnapshotStore(d.pool),
    broadcaster: d.broadcaster,
    workers: d.workers,
    newsSources: defaultNewsSources({
      investing: { url: env.NEWS_INVESTING_URL, timeoutMs: env.NEWS_TIMEOUT_MS },
      yahoo: { url: env.NEWS_YAHOO_URL, timeoutMs: env.NEWS_TIMEOUT_MS },
    }),
    // The universe never changes after import: read once (a failed read is retried next time).
    universe: () =>
      (universe ??= bars.listSymbols().then(
        (s) => new Set(s),
        (err: unknown) => ((universe = null), Promise.reject(err)),
      )),
    settings: { priceMoveAlertPct: env.PRICE_MOVE_ALERT_PCT },
  };
}

/** What the market routes ask on every request: is a symbol known, what is the market date. */
export interface MarketView {
  isKnownSymbol(symbol: string): Promise<boolean>;
  /** The replayed market date (memoized 250 ms: it changes once per tick, asked on every request). */
  marketDate(): Promise<string | null>;
  latestPrices: OperationDeps["prices"]["latestPrices"];
}

export function marketView(deps: Pick<OperationDeps, "clock" | "universe" | "prices">): MarketView {
  let memo: { at: number; date: Promise<string | null> } | null = null;
  return {
    isKnownSymbol: async (symbol) => (await deps.universe()).has(symbol),
    latestPrices: () => deps.prices.latestPrices(),
    marketDate() {
      const now = Date.now();
      if (!memo || now - memo.at > 250) {
        memo = { at: now, date: deps.clock.read().then((c) => c?.currentDate ?? null) };
        memo.date.catch(() => (memo = null));
      }
      return memo.date;
    },
  };
}
