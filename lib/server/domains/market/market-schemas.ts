/** Requests and responses of the market API: symbols, prices, signals, news, indicators, reports. */
import { z } from "zod";
import { isoDateSchema, periodListSchema, symbolSchema } from "../../platform/http/params";
import { nextCursorField, pageQuery, pageQuerySchema, paging } from "../../platform/http/paging";
import { dateWire, instantWire } from "../../platform/http/wire";

export const SIGNAL_KINDS = [
  "golden_cross",
  "death_cross",
  "rsi_oversold",
  "rsi_overbought",
  "macd_bullish",
  "macd_bearish",
  "bollinger_upper_breakout",
  "bollinger_lower_breakout",
] as const;

/** The universe, by symbol. One page holds today's whole universe (~500). */
export const SYMBOL_PAGING = paging({ list: "symbols", key: ["text"], order: "asc", defaultLimit: 1000, maxLimit: 1000 });

/** A symbol's daily bars, paged back in time from the market clock by date (each page oldest first). */
export const PRICE_PAGING = paging({ list: "prices", key: ["date"], order: "desc", defaultLimit: 250, maxLimit: 2000 });

/** Signals, newest first by (date, id). */
export const SIGNAL_PAGING = paging({ list: "signals", key: ["date", "int"], order: "desc", defaultLimit: 100, maxLimit: 500 });

/** Price alerts, newest first by (date, id). */
export const PRICE_ALERT_PAGING = paging({ list: "price-alerts", key: ["date", "int"], order: "desc", defaultLimit: 100, maxLimit: 500 });

/** News articles, newest first by (published or else fetched time, id). */
export const NEWS_PAGING = paging({ list: "news", key: ["time", "int"], order: "desc", defaultLimit: 50, maxLimit: 200 });

export const symbolQuerySchema = pageQuerySchema(SYMBOL_PAGING);

export const signalQuerySchema = z.object({ symbol: symbolSchema.optional(), kind: z.enum(SIGNAL_KINDS).optional(), ...pageQuery(SIGNAL_PAGING) });

export const newsQuerySchema = z.object({ source: z.enum(["investing", "yahoo"]).optional(), ticker: symbolSchema.optional(), ...pageQuery(NEWS_PAGING) });

export const priceAlertQuerySchema = pageQuerySchema(PRICE_ALERT_PAGING);

export const priceQuerySchema = z.object({ from: isoDateSchema.optional(), ...pageQuery(PRICE_PAGING) });

export const indicatorQuerySchema = z.object({
  asOf: isoDateSchema.optional().meta({ description: "Compute as of this day (never past the market clock)." }),
  sma: periodListSchema.optional(),
  ema: periodListSchema.optional(),
  rsi: z.coerce.number().int().min(1).max(500).optional(),
  bollinger: z.coerce.number().int().min(1).max(500).optional(),
  bollingerK: z.coerce.number().gt(0).lte(10).optional(),
  atr: z.coerce.number().int().min(1).max(500).optional(),
  points: z.coerce.number().int().min(0).max(1500).default(60).meta({ description: "Trailing points of each series (0: latest values only)." }),
});

/** Body of `POST /api/reports`. */
export const reportRequestSchema = z.object({ symbols: z.array(symbolSchema).min(1).max(100) }).strict();

// ── responses ──────────────────────────────────────────────────────────────────────────────

export const symbolListSchema = z.strictObject({
  symbols: z.array(
    z
      .strictObject({
        symbol: z.string(),
        firstDate: dateWire,
        lastDate: dateWire,
        bars: z.number().int(),
        close: z.number().nullable(),
        changePct: z.number().nullable(),
        priceDate: dateWire.nullable(),
      })
      .meta({ id: "Symbol" }),
  ),
  ...nextCursorField,
});

const latestPriceSchema = z.strictObject({
  symbol: z.string(),
  date: dateWire,
  close: z.number(),
  prevClose: z.number().nullable(),
  changePct: z.number().nullable(),
  volume: z.number(),
});

export const marketSchema = z.strictObject({
  clock: z
    .strictObject({ currentDate: dateWire, tickCount: z.number().int(), updatedAt: instantWire })
    .nullable()
    .meta({ description: "null before the replay starts." }),
  prices: z.array(latestPriceSchema),
});

export const priceHistorySchema = z.strictObject({
  symbol: z.string(),
  asOf: dateWire.nullable().meta({ description: "The market clock's day (bars after it are never returned)." }),
  bars: z.array(
    z.strictObject({ date: dateWire, open: z.number(), high: z.number(), low: z.number(), close: z.number(), adjClose: z.number(), volume: z.number() }),
  ),
  nextCursor: nextCursorField.nextCursor.meta({ description: "Pass as `cursor` to get the bars before these; null when none are left." }),
});

export const signalListSchema = z.strictObject({
  signals: z.array(
    z
      .strictObject({
        id: z.number().int(),
        symbol: z.string(),
        date: dateWire,
        kind: z.string(),
        value: z.number().nullable(),
        detail: z.string(),
        createdAt: instantWire,
      })
      .meta({ id: "Signal" }),
  ),
  ...nextCursorField,
});

export const priceAlertListSchema = z.strictObject({
  priceAlerts: z.array(
    z
      .strictObject({
        id: z.number().int(),
        symbol: z.string(),
        date: dateWire,
        kind: z.string(),
        price: z.number(),
        changePct: z.number().nullable(),
        threshold: z.number(),
        createdAt: instantWire,
      })
      .meta({ id: "PriceAlert" }),
  ),
  ...nextCursorField,
});

export const newsListSchema = z.strictObject({
  articles: z.array(
    z
      .strictObject({
        id: z.number().int(),
        source: z.string(),
        title: z.string(),
        link: z.string().nullable(),
        summary: z.string().nullable(),
        publishedAt: instantWire.nullable(),
        fetchedAt: instantWire,
        tickers: z.array(z.string()),
      })
      .meta({ id: "NewsArticle" }),
  ),
  sources: z.array(
    z
      .strictObject({
        name: z.string(),
        healthy: z.boolean(),
        lastError: z.string().nullable().meta({ description: "Replaced by a fixed notice for viewers." }),
        lastFetchedAt: instantWire.nullable(),
        lastSuccessAt: instantWire.nullable(),
        nextRetryAt: instantWire.nullable(),
        consecutiveFailures: z.number().int(),
        articles: z.number().int(),
      })
      .meta({ id: "NewsSource" }),
  ),
  nextCursor: nextCursorField.nextCursor.meta({
    description: "Pages `articles` (pass as `cursor`; null on the last page). `sources` is every configured source on every page.",
  }),
});

const maybe = z.number().nullable();
const series = z.array(maybe);

/** Values at the last bar (lib/market/indicators/result.ts `LatestIndicators`; NaN → null). */
const latestIndicatorsSchema = z
  .strictObject({
    index: z.number().int().nullable(),
    sma: z.record(z.string(), maybe),
    ema: z.record(z.string(), maybe),
    rsi: maybe,
    macd: z.strictObject({ macd: maybe, signal: maybe, histogram: maybe }),
    bollinger: z.strictObject({ middle: maybe, upper: maybe, lower: maybe }),
    atr: maybe,
    stochastic: z.strictObject({ k: maybe, d: maybe }),
  })
  .meta({ id: "LatestIndicators" });

/** `GET /api/technical-analysis/{symbol}` computed or cached (lib/market/services/calculate-indicators.ts `IndicatorsResult`). */
export const indicatorsResultSchema = z
  .strictObject({
    symbol: z.string(),
    asOf: dateWire,
    bars: z.number().int(),
    lastBarDate: dateWire.nullable(),
    latest: latestIndicatorsSchema,
    series: z.strictObject({
      dates: z.array(dateWire),
      close: z.array(z.number()),
      sma: z.record(z.string(), series),
      ema: z.record(z.string(), series),
      rsi: series,
      macd: z.strictObject({ macd: series, signal: series, histogram: series }),
      bollinger: z.strictObject({ middle: series, upper: series, lower: series }),
      atr: series,
      stochastic: z.strictObject({ k: series, d: series }),
    }),
  })
  .meta({ id: "Indicators" });

/** `POST /api/reports` built in the request (lib/market/services/build-report.ts `MarketReport`). */
export const reportSchema = z.strictObject({
  report: z
    .strictObject({
      asOf: dateWire,
      symbols: z.array(z.string()),
      indicators: z.array(z.strictObject({ symbol: z.string(), bars: z.number().int(), lastBarDate: dateWire.nullable(), latest: latestIndicatorsSchema })),
      latestSignals: z.array(z.strictObject({ symbol: z.string(), date: dateWire, kind: z.string(), detail: z.string() })),
      topMovers: z.array(z.strictObject({ symbol: z.string(), close: z.number(), changePct: z.number() })),
      newsCounts: z.record(z.string(), z.number()),
      unknownSymbols: z.array(z.string()),
    })
    .meta({ id: "MarketReport" }),
});
