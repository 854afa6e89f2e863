import { z } from "zod";
import type { ZodOpenApiPathsObject } from "zod-openapi";
import { symbolSchema } from "../../platform/http/params";
import { TASK_QUOTA_REFUSAL, taskHandleSchema } from "../../platform/queue/task-schemas";
import {
  indicatorQuerySchema,
  indicatorsResultSchema,
  marketSchema,
  newsListSchema,
  newsQuerySchema,
  priceAlertListSchema,
  priceAlertQuerySchema,
  priceHistorySchema,
  priceQuerySchema,
  reportRequestSchema,
  reportSchema,
  signalListSchema,
  signalQuerySchema,
  symbolListSchema,
  symbolQuerySchema,
} from "../market/market-schemas";
import { operation } from "./operation";

const tag = "Market";
const symbolPath = z.object({ symbol: symbolSchema.meta({ description: "A ticker, e.g. `AAPL` or `BRK.B` (lower case is upper-cased)." }) });
const CLOCK_NOT_STARTED = "The market clock has not started yet (retry in a few seconds), or the database is unavailable.";

/** The market data routes: symbols, prices, indicators, signals, news, reports. */
export const marketPaths: ZodOpenApiPathsObject = {
  "/api/symbols": {
    get: operation({
      access: "viewer",
      tag,
      summary: "The universe",
      description: "Every symbol with its history span and latest replayed price, by symbol (one page holds the whole universe by default).",
      query: symbolQuerySchema,
      ok: { 200: { description: "The symbols.", schema: symbolListSchema } },
    }),
  },
  "/api/market": {
    get: operation({
      access: "viewer",
      tag,
      summary: "Market clock and latest prices",
      ok: { 200: { description: "The clock (null before the replay starts) and every symbol's latest price.", schema: marketSchema } },
    }),
  },
  "/api/prices/{symbol}": {
    get: operation({
      access: "viewer",
      tag,
      summary: "Daily bars of one symbol",
      description: "Up to the market clock, never the replay's future: the newest `limit` bars, oldest first; `nextCursor` gets the bars before them.",
      path: symbolPath,
      query: priceQuerySchema,
      ok: { 200: { description: "The bars, oldest first.", schema: priceHistorySchema } },
      errors: { 404: "Unknown symbol." },
    }),
  },
  "/api/technical-analysis/{symbol}": {
    get: operation({
      access: "viewer",
      tag,
      summary: "All indicators of one symbol",
      description:
        "At the market clock (or `asOf`, never past the clock): cached, computed, or queued as a background task when the queue optimization applies (202).",
      path: symbolPath,
      query: indicatorQuerySchema,
      ok: {
        200: { description: "The indicators (`X-Perfpilot-Cache: hit` when served from the cache).", schema: indicatorsResultSchema },
        202: { description: "Queued: poll `resultUrl`.", schema: taskHandleSchema },
      },
      errors: { 404: "Unknown symbol.", 429: TASK_QUOTA_REFUSAL, 503: CLOCK_NOT_STARTED },
    }),
  },
  "/api/signals": {
    get: operation({
      access: "viewer",
      tag,
      summary: "Trading signals",
      description: "Stored signals, newest first.",
      query: signalQuerySchema,
      ok: { 200: { description: "The signals.", schema: signalListSchema } },
    }),
  },
  "/api/price-alerts": {
    get: operation({
      access: "viewer",
      tag,
      summary: "Price alerts",
      description: "Raised by the price monitor, newest first.",
      query: priceAlertQuerySchema,
      ok: { 200: { description: "The price alerts.", schema: priceAlertListSchema } },
    }),
  },
  "/api/news": {
    get: operation({
      access: "viewer",
      tag,
      summary: "News articles and source health",
      query: newsQuerySchema,
      ok: { 200: { description: "Articles (newest first) and every source's state.", schema: newsListSchema } },
    }),
  },
  "/api/reports": {
    post: operation({
      access: "operator",
      tag,
      summary: "Build the market report",
      description: "Built inside the request (the baseline), or — with the queue optimization — a task handle at once, the report stored with the task.",
      body: reportRequestSchema,
      bodyExample: { symbols: ["AAPL", "MSFT"] },
      ok: { 200: { description: "The report.", schema: reportSchema }, 202: { description: "Queued: poll `resultUrl`.", schema: taskHandleSchema } },
      errors: { 422: "None of the symbols is in the universe (`details.unknownSymbols`).", 429: TASK_QUOTA_REFUSAL, 503: CLOCK_NOT_STARTED },
    }),
  },
};
