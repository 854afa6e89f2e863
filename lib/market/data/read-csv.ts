/**
 * Streaming reader of the market-data CSV (gzipped or plain), for tests and benchmarks.
 * This is not the importer: it parses, it does not validate or repair.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import type { Readable } from "node:stream";
import type { Bar } from "../types";

/** One data line, fields parsed with `Number()` (so a bad field is `NaN`), plus the raw text. */
export interface RawCsvRecord {
  /** 1-based line number in the file (the header is line 1). */
  lineNumber: number;
  symbol: string;
  date: string;
  open: number;
  high: number;
  low: number;
  close: number;
  adjClose: number;
  volume: number;
  raw: string;
}

const COLUMNS = ["symbol", "date", "open", "high", "low", "close", "adj_close", "volume"] as const;

/**
 * Yields the records of a `symbol,date,open,high,low,close,adj_close,volume` CSV in file order.
 * Columns are located by header name, so their order may change; a missing column throws.
 * Files ending in `.gz` are gunzipped on the fly. Blank lines are skipped.
 */
export async function* readCsvRecords(path: string): AsyncGenerator<RawCsvRecord> {
  const file = createReadStream(path);
  const input: Readable = path.endsWith(".gz") ? file.pipe(createGunzip()) : file;
  // A gunzip error is not forwarded by pipe(); route it into the stream readline consumes.
  file.on("error", (err) => input.destroy(err));
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  let index: number[] | undefined;
  try {
    for await (const line of lines) {
      lineNumber++;
      if (index === undefined) {
        const header = line.trim().split(",");
        index = COLUMNS.map((name) => {
          const at = header.indexOf(name);
          if (at < 0) throw new Error(`${path}: header has no "${name}" column`);
          return at;
        });
        continue;
      }
      if (line.length === 0) continue;
      const f = line.split(",");
      const [symbol, date, open, high, low, close, adjClose, volume] = index.map((at) => f[at] ?? "");
      yield {
        lineNumber,
        symbol: symbol!,
        date: date!,
        open: Number(open),
        high: Number(high),
        low: Number(low),
        close: Number(close),
        adjClose: Number(adjClose),
        volume: Number(volume),
        raw: line,
      };
    }
  } finally {
    lines.close();
    input.destroy();
    file.destroy();
  }
}

/** Why {@link loadBarsBySymbol} dropped a record. */
export type SkipReason = "non-positive-price" | "high-below-low" | "bad-volume" | "bad-date";

/** Options of {@link loadBarsBySymbol}. */
export interface LoadBarsOptions {
  /** Keep only these symbols (all when omitted). */
  symbols?: Iterable<string>;
  /** Called for every dropped record, e.g. to count or log them. */
  onSkip?: (record: RawCsvRecord, reason: SkipReason) => void;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

function skipReason(r: RawCsvRecord): SkipReason | undefined {
  // `!(x > 0)` is also true for NaN, so unparsable prices are dropped too.
  if (!(r.open > 0 && r.high > 0 && r.low > 0 && r.close > 0 && r.adjClose > 0)) return "non-positive-price";
  if (!Number.isFinite(r.open + r.high + r.low + r.close + r.adjClose)) return "non-positive-price";
  if (r.high < r.low) return "high-below-low";
  if (!(r.volume >= 0) || !Number.isFinite(r.volume)) return "bad-volume";
  if (!ISO_DAY.test(r.date)) return "bad-date";
  return undefined;
}

/**
 * Loads the CSV into bars grouped by symbol (file order within a symbol), dropping rows with a
 * non-finite or non-positive price, high < low, a negative/non-finite volume or a malformed date.
 * Nothing is repaired (a close outside [low, high] is kept). For tests and benchmarks only.
 */
export async function loadBarsBySymbol(path: string, options: LoadBarsOptions = {}): Promise<Map<string, Bar[]>> {
  const wanted = options.symbols ? new Set(options.symbols) : undefined;
  const bySymbol = new Map<string, Bar[]>();
  for await (const r of readCsvRecords(path)) {
    if (wanted && !wanted.has(r.symbol)) continue;
    const reason = skipReason(r);
    if (reason) {
      options.onSkip?.(r, reason);
      continue;
    }
    let bars = bySymbol.get(r.symbol);
    if (!bars) bySymbol.set(r.symbol, (bars = []));
    bars.push({
      symbol: r.symbol,
      date: r.date,
      open: r.open,
      high: r.high,
      low: r.low,
      close: r.close,
      adjClose: r.adjClose,
      volume: r.volume,
    });
  }
  return bySymbol;
}
