import type pg from "pg";
import type {
  BarSource,
  ClockStore,
  LatestPriceRow,
  NewsCountSource,
  PriceAlertStore,
  PriceStore,
  RecentSignalSource,
  SignalStore,
  SnapshotStore,
  WatchItemRow,
} from "../../../market/ports";
import type { NewsSourceState, NewsStore, StoredArticleInput } from "../../../market/news/crawl-source";
import type { Bar } from "../../../market/types";
import type { PriceAlertPayload, SignalPayload } from "../../../realtime/events";
import { withTransaction } from "../../platform/db/transaction";

const CLOCK = "replay";

/** A row of `price_bar` (`select *`; DATE columns come back as text, see db/pool.ts). */
interface PriceBarRow {
  symbol: string;
  date: string;
  open: number;
  high: number;
  low: number;
  close: number;
  adj_close: number;
  volume: number;
}

/** The `latest_price` columns both of its readers select (`date::text`). */
interface LatestPriceTableRow {
  symbol: string;
  date: string;
  close: number;
  prev_close: number | null;
  change_pct: number | null;
  volume: number;
}

/** A row of `news_source` (`select *`). */
interface NewsSourceRow {
  name: string;
  url: string;
  healthy: boolean;
  last_error: string | null;
  last_fetched_at: Date | null;
  last_success_at: Date | null;
  next_retry_at: Date | null;
  consecutive_failures: number;
  etag: string | null;
  last_modified: string | null;
}

/** Every imported symbol in one order (both bar sources scan in it). */
export async function listSymbolNames(pool: pg.Pool): Promise<string[]> {
  const r = await pool.query<{ symbol: string }>("select symbol from symbol order by symbol");
  return r.rows.map((x) => x.symbol);
}

/** Postgres implementations of the market ports, on the shared pg pool. */
export function pgBarSource(pool: pg.Pool): BarSource {
  return {
    listSymbols: () => listSymbolNames(pool),
    async barsUpTo(symbol, asOf) {
      const r = await pool.query<PriceBarRow>("select * from price_bar where symbol = $1 and date <= $2 order by date", [symbol, asOf]);
      return r.rows.map((x): Bar => ({
        symbol: x.symbol,
        date: x.date,
        open: x.open,
        high: x.high,
        low: x.low,
        close: x.close,
        adjClose: x.adj_close,
        volume: x.volume,
      }));
    },
  };
}

function toLatest(r: LatestPriceTableRow): LatestPriceRow {
  return {
    symbol: r.symbol,
    date: r.date,
    close: r.close,
    prevClose: r.prev_close,
    changePct: r.change_pct,
    volume: r.volume,
  };
}

export function pgClockStore(pool: pg.Pool): ClockStore {
  return {
    async read() {
      const r = await pool.query<{ current_date: string; tick_count: number }>(
        `select "current_date"::text as "current_date", tick_count from market_clock where name = $1`,
        [CLOCK],
      );
      const row = r.rows[0];
      return row ? { currentDate: row.current_date, tickCount: row.tick_count } : null;
    },
    async nextTradingDay(after) {
      const r = await pool.query<{ d: string | null }>("select min(date)::text as d from price_bar where date > $1", [after]);
      return r.rows[0]?.d ?? null;
    },
    async firstTradingDayOnOrAfter(date) {
      const r = await pool.query<{ d: string | null }>("select min(date)::text as d from price_bar where date >= $1", [date]);
      return r.rows[0]?.d ?? null;
    },
    async advanceTo(date, tickCount, restart) {
      return withTransaction(pool, async (client) => {
        if (restart) await client.query("delete from latest_price");
        await client.query(
          `insert into market_clock (name, "current_date", tick_count, updated_at) values ($1, $2, $3, now())
           on conflict (name) do update set "current_date" = excluded."current_date", tick_count = excluded.tick_count,
             updated_at = now()`,
          [CLOCK, date, tickCount],
        );
        const r = await client.query<LatestPriceTableRow>(
          `insert into latest_price (symbol, date, close, prev_close, change_pct, volume, updated_at)
           select b.symbol, b.date, b.close, p.close, case when p.close > 0 then (b.close / p.close - 1) * 100 end, b.volume, now()
             from price_bar b
             left join lateral (select close from price_bar q where q.symbol = b.symbol and q.date < b.date
                                 order by q.date desc limit 1) p on true
            where b.date = $1
           on conflict (symbol) do update set date = excluded.date, close = excluded.close, prev_close = excluded.prev_close,
             change_pct = excluded.change_pct, volume = excluded.volume, updated_at = now()
           returning symbol, date::text as date, close, prev_close, change_pct, volume`,
          [date],
        );
        return r.rows.map(toLatest).sort((a, b) => a.symbol.localeCompare(b.symbol));
      });
    },
  };
}

export function pgPriceStore(pool: pg.Pool): PriceStore {
  return {
    async latestPrices() {
      const r = await pool.query<LatestPriceTableRow>(
        "select symbol, date::text as date, close, prev_close, change_pct, volume from latest_price order by symbol",
      );
      return r.rows.map(toLatest);
    },
  };
}

export function pgPriceAlertStore(pool: pg.Pool): PriceAlertStore {
  return {
    async watchItems(): Promise<WatchItemRow[]> {
      const r = await pool.query<WatchItemRow>("select id, symbol, above, below from watch_item order by id");
      return r.rows;
    },
    async insertAlerts(alerts) {
      const r = await pool.query<Omit<PriceAlertPayload, "changePct"> & { change_pct: number | null }>(
        `insert into price_alert (symbol, date, kind, price, change_pct, threshold, watch_id)
         select * from unnest($1::text[], $2::date[], $3::text[], $4::float8[], $5::float8[], $6::float8[], $7::int[])
         on conflict (symbol, date, kind, watch_id) do nothing
         returning symbol, date::text as date, kind, price, change_pct, threshold`,
        [
          alerts.map((a) => a.symbol),
          alerts.map((a) => a.date),
          alerts.map((a) => a.kind),
          alerts.map((a) => a.price),
          alerts.map((a) => a.changePct),
          alerts.map((a) => a.threshold),
          alerts.map((a) => a.watchId),
        ],
      );
      return r.rows.map((x): PriceAlertPayload => ({
        symbol: x.symbol,
        date: x.date,
        kind: x.kind,
        price: x.price,
        changePct: x.change_pct,
        threshold: x.threshold,
      }));
    },
  };
}

export function pgSignalStore(pool: pg.Pool): SignalStore & RecentSignalSource {
  return {
    async insertSignals(signals) {
      if (signals.length === 0) return [];
      const r = await pool.query<SignalPayload>(
        `insert into signal (symbol, date, kind, value, detail)
         select * from unnest($1::text[], $2::date[], $3::text[], $4::float8[], $5::text[])
         on conflict (symbol, date, kind) do nothing
         returning symbol, date::text as date, kind, value, detail`,
        [signals.map((s) => s.symbol), signals.map((s) => s.date), signals.map((s) => s.kind), signals.map((s) => s.value), signals.map((s) => s.detail)],
      );
      return r.rows;
    },
    async recentSignals(symbols, limit) {
      const r = await pool.query<SignalPayload & { created_at: Date }>(
        `select symbol, date::text as date, kind, value, detail, created_at from signal
          where symbol = any($1) order by date desc, symbol limit $2`,
        [symbols, limit],
      );
      return r.rows.map((x) => ({ ...x, createdAt: x.created_at.toISOString() }));
    },
  };
}

export function pgSnapshotStore(pool: pg.Pool): SnapshotStore {
  return {
    async insertOne(row) {
      await pool.query(
        `insert into price_snapshot (taken_at, market_date, symbol, price, change, change_pct, volume)
         values ($1, $2, $3, $4, $5, $6, $7)`,
        [row.takenAt, row.marketDate, row.symbol, row.price, row.change, row.changePct, row.volume],
      );
    },
  };
}

export function pgNewsStore(pool: pg.Pool): NewsStore & NewsCountSource {
  return {
    async getSourceState(name) {
      const r = await pool.query<NewsSourceRow>("select * from news_source where name = $1", [name]);
      const x = r.rows[0];
      if (!x) return null;
      return {
        name: x.name,
        healthy: x.healthy,
        lastError: x.last_error,
        lastFetchedAt: x.last_fetched_at,
        lastSuccessAt: x.last_success_at,
        nextRetryAt: x.next_retry_at,
        consecutiveFailures: x.consecutive_failures,
        etag: x.etag,
        lastModified: x.last_modified,
      } satisfies NewsSourceState;
    },
    async saveSourceState(s) {
      await pool.query(
        `insert into news_source (name, url, healthy, last_error, last_fetched_at, last_success_at, next_retry_at,
                                  consecutive_failures, etag, last_modified)
         values ($1, '', $2, $3, $4, $5, $6, $7, $8, $9)
         on conflict (name) do update set healthy = excluded.healthy, last_error = excluded.last_error,
           last_fetched_at = excluded.last_fetched_at, last_success_at = excluded.last_success_at,
           next_retry_at = excluded.next_retry_at, consecutive_failures = excluded.consecutive_failures,
           etag = excluded.etag, last_modified = excluded.last_modified`,
        [s.name, s.healthy, s.lastError, s.lastFetchedAt, s.lastSuccessAt, s.nextRetryAt, s.consecutiveFailures, s.etag, s.lastModified],
      );
    },
    async insertArticles(articles: StoredArticleInput[]) {
      if (articles.length === 0) return 0;
      const r = await pool.query(
        `insert into news_article (source, dedupe_key, guid, link, title, summary, published_at, fetched_at, tickers)
         select s, k, g, l, t, su, p, f, coalesce(string_to_array(tk, ','), '{}')
           from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamp[], $8::timestamp[], $9::text[])
             as u(s, k, g, l, t, su, p, f, tk)
         on conflict (dedupe_key) do nothing`,
        [
          articles.map((a) => a.source),
          articles.map((a) => a.dedupeKey),
          articles.map((a) => a.guid ?? null),
          articles.map((a) => a.link ?? null),
          articles.map((a) => a.title),
          articles.map((a) => a.summary ?? null),
          articles.map((a) => a.publishedAt),
          articles.map((a) => a.fetchedAt),
          articles.map((a) => (a.tickers.length > 0 ? a.tickers.join(",") : null)),
        ],
      );
      return r.rowCount ?? 0;
    },
    async countMentions(symbols) {
      const r = await pool.query<{ symbol: string; n: number }>(
        `select s as symbol, count(a.id)::int as n from unnest($1::text[]) s
           left join news_article a on s = any(a.tickers) group by s`,
        [symbols],
      );
      return Object.fromEntries(r.rows.map((x) => [x.symbol, x.n]));
    },
  };
}
