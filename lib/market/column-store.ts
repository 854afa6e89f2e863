/**
 * An in-memory column store of the price history: a {@link ColumnSource} that answers from typed
 * arrays held in this process instead of a Postgres read per call.
 *
 * Sync design (why "check on read" and no per-tick push): a market tick only moves the clock in
 * `market_clock`; the bars it replays are already in `price_bar`, and the clock can only move to a
 * day that has bars there (`nextTradingDay` reads `price_bar`). So the store loads every bar once,
 * and a read `asOf` a day past what it has loaded (a new import, a live feed that writes the day's
 * bars before the clock reaches it) first appends the missing days, one query for the range
 * (loaded, asOf], single-flight. Every instance does this by itself on its first read after the
 * tick, with no message to miss: a NOTIFY listener would add a connection and a reconnect path
 * for nothing the clock date in each request does not already tell. Reads up to the loaded day
 * never touch the database: a binary search per symbol and zero-copy `subarray` views.
 * Not covered: bars rewritten or inserted at or before the loaded day (a forced re-import); call
 * {@link ColumnStore.reset} then.
 *
 * Memory: exact-size arrays at load (44 B per bar: Int32 day + 5 × Float64); an append grows a
 * symbol's arrays by 1/8 (at least 16 bars), so a held bar costs at most 44 × 1.125 ≈ 49.5 B
 * plus the fixed per-symbol headers (≤ 56 B per bar in all).
 *
 * The views handed out share the store's memory: callers must not write to them (no variant
 * does; the worker pool copies them into its own slab). An append never changes the bars a view
 * covers (it writes past their end, or into new arrays after a growth).
 */
import { ALL_PRICE_FIELDS, dayNumber, emptyColumns, type ColumnSource, type PriceField } from "./ports-compact";
import type { BarColumns } from "./types";

/** What the store loads from (the Postgres implementation is in lib/server/domains/market). */
export interface ColumnStoreLoader {
  /** The universe, in the order `BarSource.listSymbols` returns it. */
  listSymbols(): Promise<string[]>;
  /**
   * Every field of the bars with `afterDay < day <= throughDay` (days since 1970-01-01; null: no
   * bound), one `BarColumns` per symbol that has any, each ascending by day.
   */
  columnsBetween(afterDay: number | null, throughDay: number | null): Promise<BarColumns[]>;
}

export interface ColumnStoreStats {
  symbols: number;
  bars: number;
  /** Bytes of the typed arrays' buffers (capacity included). */
  bytes: number;
  /** The last day the store is complete through (days since 1970-01-01), or null before the load. */
  loadedThroughDay: number | null;
  /** Catch-up reads done since the load (each appended the days past `loadedThroughDay`). */
  catchUps: number;
}

/** A {@link ColumnSource} over memory, plus its load and sync controls. */
export interface ColumnStore extends ColumnSource {
  /** Loads the history once (later calls share the first load); a failed load is retried next time. */
  ready(): Promise<void>;
  /** Forgets everything: the next read loads again (after a re-import). */
  reset(): void;
  stats(): ColumnStoreStats;
}

interface Series {
  symbol: string;
  length: number;
  day: Int32Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

const EMPTY = new Float64Array(0);
/** Growth step of an append: 1/8 of the length (bounds the slack at 12.5 %), at least 16 bars. */
const growTo = (n: number) => n + Math.max(16, n >>> 3);

/** Number of bars with `day <= asOf` (days ascending). */
function countUpTo(day: Int32Array, length: number, asOf: number): number {
  if (length === 0 || day[length - 1]! <= asOf) return length; // the usual read: at the clock
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (day[mid]! <= asOf) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function grown<T extends Int32Array | Float64Array>(a: T, length: number, capacity: number): T {
  const b = new (a.constructor as { new (n: number): T })(capacity);
  b.set(a.subarray(0, length));
  return b;
}

function append(s: Series, add: BarColumns): void {
  let from = 0;
  // Only days after the last held one (the query asks for those; this guards a racing load).
  while (from < add.length && s.length > 0 && add.day[from]! <= s.day[s.length - 1]!) from++;
  const n = add.length - from;
  if (n <= 0) return;
  const need = s.length + n;
  if (need > s.day.length) {
    const cap = growTo(need);
    s.day = grown(s.day, s.length, cap);
    for (const f of ALL_PRICE_FIELDS) s[f] = grown(s[f], s.length, cap);
  }
  s.day.set(add.day.subarray(from), s.length);
  for (const f of ALL_PRICE_FIELDS) s[f].set(add[f].subarray(from, add.length), s.length);
  s.length = need;
}

function view(s: Series, n: number, fields: readonly PriceField[]): BarColumns {
  const cols: BarColumns = { symbol: s.symbol, length: n, day: s.day.subarray(0, n), open: EMPTY, high: EMPTY, low: EMPTY, close: EMPTY, volume: EMPTY };
  for (const f of fields) cols[f] = s[f].subarray(0, n);
  return cols;
}

/** Creates an empty store; the history is loaded on {@link ColumnStore.ready} or the first read. */
export function createColumnStore(loader: ColumnStoreLoader): ColumnStore {
  let series = new Map<string, Series>();
  let symbols: string[] = [];
  let loadedThrough: number | null = null;
  let catchUps = 0;
  let loading: Promise<void> | null = null;
  let catchingUp: Promise<void> | null = null;
  let generation = 0;

  function ready(): Promise<void> {
    if (!loading) {
      const gen = generation;
      loading = (async () => {
        const [list, all] = await Promise.all([loader.listSymbols(), loader.columnsBetween(null, null)]);
        if (gen !== generation) return;
        const next = new Map<string, Series>();
        let last = -Infinity;
        for (const c of all) {
          if (c.length === 0) continue;
          // The loaded arrays are exact-size and ours: adopted without a copy.
          next.set(c.symbol, { ...c });
          last = Math.max(last, c.day[c.length - 1]!);
        }
        series = next;
        symbols = list;
        loadedThrough = Number.isFinite(last) ? last : null;
      })();
      loading.catch(() => {
        if (gen === generation) loading = null;
      });
    }
    return loading;
  }

  /** Appends the days in (loadedThrough, asOf]; concurrent readers share one catch-up. */
  async function catchUp(asOf: number): Promise<void> {
    while (loadedThrough === null || asOf > loadedThrough) {
      if (catchingUp) {
        await catchingUp;
        continue;
      }
      const gen = generation;
      const after = loadedThrough;
      catchingUp = (async () => {
        const [added, list] = await Promise.all([loader.columnsBetween(after, asOf), loader.listSymbols()]);
        if (gen !== generation) return;
        for (const c of added) {
          const s = series.get(c.symbol);
          if (s) append(s, c);
          else if (c.length > 0) series.set(c.symbol, { ...c });
        }
        symbols = list;
        loadedThrough = after === null ? asOf : Math.max(after, asOf);
        catchUps++;
      })();
      try {
        await catchingUp;
      } finally {
        catchingUp = null;
      }
      if (gen !== generation) return;
    }
  }

  async function at(asOf: string): Promise<number> {
    const day = dayNumber(asOf);
    if (Number.isNaN(day)) throw new Error(`column store: invalid date ${asOf}`);
    await ready();
    if (loadedThrough === null || day > loadedThrough) await catchUp(day);
    return day;
  }

  return {
    ready,
    reset() {
      generation++;
      series = new Map();
      symbols = [];
      loadedThrough = null;
      loading = null;
      catchingUp = null;
      catchUps = 0;
    },
    async listSymbols() {
      await ready();
      return symbols.slice();
    },
    async columnsUpTo(symbol, asOf, fields = ALL_PRICE_FIELDS) {
      const day = await at(asOf);
      const s = series.get(symbol);
      if (!s) return emptyColumns(symbol);
      return view(s, countUpTo(s.day, s.length, day), fields);
    },
    async allColumnsUpTo(asOf, wanted, fields = ALL_PRICE_FIELDS) {
      const day = await at(asOf);
      const out = new Map<string, BarColumns>();
      for (const symbol of wanted ?? symbols) {
        if (out.has(symbol)) continue;
        const s = series.get(symbol);
        if (!s) continue;
        const n = countUpTo(s.day, s.length, day);
        if (n > 0) out.set(symbol, view(s, n, fields));
      }
      return out;
    },
    stats() {
      let bars = 0;
      let bytes = 0;
      for (const s of series.values()) {
        bars += s.length;
        bytes += s.day.byteLength + s.open.byteLength + s.high.byteLength + s.low.byteLength + s.close.byteLength + s.volume.byteLength;
      }
      return { symbols: series.size, bars, bytes, loadedThroughDay: loadedThrough, catchUps };
    },
  };
}
