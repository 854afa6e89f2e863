/** One daily OHLCV bar as the services see it (the "rows as objects" form of the baseline). */
export interface Bar {
  symbol: string;
  /** Trading day, ISO `YYYY-MM-DD`. */
  date: string;
  open: number;
  high: number;
  low: number;
  close: number;
  adjClose: number;
  volume: number;
}

/**
 * Columnar (struct-of-arrays) form of one symbol's bars, used by the memory optimization:
 * 5 × Float64 + 1 × Int32 = 44 bytes per bar instead of ~176 for an array of objects.
 */
export interface BarColumns {
  symbol: string;
  length: number;
  /** Days since 1970-01-01 (UTC). */
  day: Int32Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/** A replayed market day: what every browser receives as `market:tick`. */
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
