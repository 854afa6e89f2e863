/** Read-side queries of the market API (lists for the pages); writes go through the services. */
import "server-only";
import type pg from "pg";
import type { Bar, PriceAlertPayload, SignalPayload } from "../../../market/types";
import { afterCursor, pageOf, type KeyValues, type Page } from "../../platform/http/paging";
import { NEWS_PAGING, PRICE_ALERT_PAGING, PRICE_PAGING, SIGNAL_PAGING, SYMBOL_PAGING } from "./market-schemas";

/** A symbol with its history span and latest replayed price (null before the first tick). */
export interface SymbolView {
  symbol: string;
  firstDate: string;
  lastDate: string;
  bars: number;
  close: number | null;
  changePct: number | null;
  priceDate: string | null;
}

export interface MarketClockView {
  currentDate: string;
  tickCount: number;
  updatedAt: Date;
}

export interface SignalView extends SignalPayload {
  id: number;
  createdAt: Date;
}

export interface PriceAlertView extends PriceAlertPayload {
  id: number;
  createdAt: Date;
}

export interface NewsArticleView {
  id: number;
  source: string;
  title: string;
  link: string | null;
  summary: string | null;
  publishedAt: Date | null;
  fetchedAt: Date;
  /** Never null: the only writer (pgNewsStore.insertArticles) stores `{}` for none. */
  tickers: string[];
}

export interface NewsSourceView {
  name: string;
  healthy: boolean;
  lastError: string | null;
  lastFetchedAt: Date | null;
  lastSuccessAt: Date | null;
  nextRetryAt: Date | null;
  consecutiveFailures: number;
  articles: number;
}

export interface JobRunView {
  job: string;
  slot: Date;
  instance: string;
  startedAt: Date;
  finishedAt: Date | null;
  outcome: string;
  durationMs: number | null;
  error: string | null;
  summary: unknown;
}

export interface JobRunCounts {
  job: string;
  ok: number;
  errors: number;
}

export interface ImportRunView {
  id: number;
  status: string;
  rowsRead: number;
  rowsAccepted: number;
  rowsRepaired: number;
  rowsRejected: number;
  finishedAt: Date | null;
}

/** One page of the universe, by symbol. */
export async function listSymbols(pool: pg.Pool, q: { limit: number; cursor?: KeyValues<typeof SYMBOL_PAGING.key> }): Promise<Page<SymbolView>> {
  const params: unknown[] = [];
  const after = afterCursor(SYMBOL_PAGING, ["s.symbol"], q.cursor, params);
  const r = await pool.query<SymbolView>(
    `select s.symbol, s.first_date::text as "firstDate", s.last_date::text as "lastDate", s.bar_count as bars,
            l.close, l.change_pct as "changePct", l.date::text as "priceDate"
       from symbol s left join latest_price l using (symbol) where ${after} order by s.symbol limit $${params.push(q.limit + 1)}`,
    params,
  );
  return pageOf(SYMBOL_PAGING, r.rows, q.limit, (x) => [x.symbol]);
}

/**
 * One page of a symbol's daily bars up to `to`: the newest `limit` of them (after `from`), oldest
 * first; the next page holds the bars before these.
 */
export async function priceHistory(
  pool: pg.Pool,
  symbol: string,
  q: { from?: string; to: string; limit: number; cursor?: KeyValues<typeof PRICE_PAGING.key> },
): Promise<Page<Omit<Bar, "symbol">>> {
  const params: unknown[] = [symbol, q.to, q.from ?? null];
  const after = afterCursor(PRICE_PAGING, ["date"], q.cursor, params);
  const r = await pool.query<Omit<Bar, "symbol">>(
    `select date::text as date, open, high, low, close, adj_close as "adjClose", volume from price_bar
      where symbol = $1 and date <= $2 and ($3::date is null or date >= $3) and ${after} order by date desc limit $${params.push(q.limit + 1)}`,
    params,
  );
  const page = pageOf(PRICE_PAGING, r.rows, q.limit, (b) => [b.date]);
  return { items: page.items.reverse(), nextCursor: page.nextCursor };
}

export async function marketClock(pool: pg.Pool): Promise<MarketClockView | null> {
  const r = await pool.query<MarketClockView>(
    `select "current_date"::text as "currentDate", tick_count as "tickCount", updated_at as "updatedAt" from market_clock where name = 'replay'`,
  );
  return r.rows[0] ?? null;
}

/** One page of stored signals, newest first. */
export async function listSignals(
  pool: pg.Pool,
  q: { symbol?: string; kind?: string; limit: number; cursor?: KeyValues<typeof SIGNAL_PAGING.key> },
): Promise<Page<SignalView>> {
  const params: unknown[] = [q.symbol ?? null, q.kind ?? null];
  const after = afterCursor(SIGNAL_PAGING, ["date", "id"], q.cursor, params);
  const r = await pool.query<SignalView>(
    `select id, symbol, date::text as date, kind, value, detail, created_at as "createdAt" from signal
      where ($1::text is null or symbol = $1) and ($2::text is null or kind = $2) and ${after}
      order by date desc, id desc limit $${params.push(q.limit + 1)}`,
    params,
  );
  return pageOf(SIGNAL_PAGING, r.rows, q.limit, (x) => [x.date, x.id]);
}

/** One page of price alerts, newest first. */
export async function listPriceAlerts(pool: pg.Pool, q: { limit: number; cursor?: KeyValues<typeof PRICE_ALERT_PAGING.key> }): Promise<Page<PriceAlertView>> {
  const params: unknown[] = [];
  const after = afterCursor(PRICE_ALERT_PAGING, ["date", "id"], q.cursor, params);
  const r = await pool.query<PriceAlertView>(
    `select id, symbol, date::text as date, kind, price, change_pct as "changePct", threshold, created_at as "createdAt"
       from price_alert where ${after} order by date desc, id desc limit $${params.push(q.limit + 1)}`,
    params,
  );
  return pageOf(PRICE_ALERT_PAGING, r.rows, q.limit, (x) => [x.date, x.id]);
}

/** One page of news articles (newest first) and every source's state. */
export async function listNews(pool: pg.Pool, q: { source?: string; ticker?: string; limit: number; cursor?: KeyValues<typeof NEWS_PAGING.key> }) {
  const params: unknown[] = [q.source ?? null, q.ticker ?? null];
  const after = afterCursor(NEWS_PAGING, ["coalesce(published_at, fetched_at)", "id"], q.cursor, params);
  const articles = await pool.query<NewsArticleView>(
    `select id, source, title, link, summary, published_at as "publishedAt", fetched_at as "fetchedAt", tickers
       from news_article where ($1::text is null or source = $1) and ($2::text is null or $2 = any(tickers)) and ${after}
      order by coalesce(published_at, fetched_at) desc, id desc limit $${params.push(q.limit + 1)}`,
    params,
  );
  const sources = await pool.query<NewsSourceView>(
    `select name, healthy, last_error as "lastError", last_fetched_at as "lastFetchedAt", last_success_at as "lastSuccessAt",
            next_retry_at as "nextRetryAt", consecutive_failures as "consecutiveFailures",
            (select count(*) from news_article a where a.source = n.name)::int as articles
       from news_source n order by name`,
  );
  const page = pageOf(NEWS_PAGING, articles.rows, q.limit, (a) => [a.publishedAt ?? a.fetchedAt, a.id]);
  return { articles: page.items, nextCursor: page.nextCursor, sources: sources.rows };
}

export async function latestJobRuns(pool: pg.Pool) {
  const r = await pool.query<JobRunView>(
    `select distinct on (job) job, slot, instance, started_at as "startedAt", finished_at as "finishedAt", outcome,
            duration_ms as "durationMs", error, summary
       from job_run order by job, started_at desc`,
  );
  const counts = await pool.query<JobRunCounts>(
    `select job, count(*) filter (where outcome = 'ok')::int as ok, count(*) filter (where outcome = 'error')::int as errors
       from job_run where started_at > now() - interval '1 hour' group by job`,
  );
  return { latest: r.rows, lastHour: counts.rows };
}

export async function latestImport(pool: pg.Pool) {
  const r = await pool.query<ImportRunView>(
    `select id, status, rows_read as "rowsRead", rows_accepted as "rowsAccepted", rows_repaired as "rowsRepaired",
            rows_rejected as "rowsRejected", finished_at as "finishedAt" from import_run order by id desc limit 1`,
  );
  return r.rows[0] ?? null;
}
