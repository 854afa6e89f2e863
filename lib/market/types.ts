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
