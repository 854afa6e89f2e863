import type { Bar } from "../types";

/**
 * The written rules of the price importer. Every row of the data set ends in exactly one of:
 * - accepted as is;
 * - `repaired`: kept after a stated correction;
 * - `flagged`: kept unchanged but recorded, because it is real but unusual;
 * - `rejected`: not stored.
 * Nothing is dropped or changed silently: every non-clean outcome carries its reason.
 */
export type RowVerdict =
  | { action: "accepted"; bar: Bar }
  | { action: "repaired" | "flagged"; bar: Bar; reason: string }
  | { action: "rejected"; reason: string; symbol: string | null; date: string | null };

export const EXPECTED_HEADER = "symbol,date,open,high,low,close,adj_close,volume";

/** A ticker as the data set and the API spell it (the one definition). */
export const SYMBOL = /^[A-Z][A-Z0-9.-]{0,9}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function validDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}

/** Applies the import rules to one CSV line (without the header). */
export function validateRow(line: string): RowVerdict {
  const f = line.split(",");
  const symbol = f[0]?.trim() || null;
  const date = f[1]?.trim() || null;
  const reject = (reason: string): RowVerdict => ({ action: "rejected", reason, symbol, date });

  if (f.length !== 8) return reject(`expected 8 columns, found ${f.length}`);
  if (!symbol || !SYMBOL.test(symbol)) return reject(`invalid symbol "${symbol ?? ""}"`);
  if (!date || !validDate(date)) return reject(`invalid date "${date ?? ""}"`);

  const nums = f.slice(2).map((v) => (v.trim() === "" ? Number.NaN : Number(v)));
  const [open, high, low, close, adjClose, volume] = nums as [number, number, number, number, number, number];
  const names = ["open", "high", "low", "close", "adj_close", "volume"];
  const bad = nums.findIndex((n) => !Number.isFinite(n));
  if (bad >= 0) return reject(`${names[bad]} is not a number ("${f[bad + 2]}")`);

  if (open === 0 && high === 0 && low === 0 && close === 0) return reject("all prices are zero");
  const nonPositive = [open, high, low, close].findIndex((n) => n <= 0);
  if (nonPositive >= 0) return reject(`${names[nonPositive]} is not positive (${nums[nonPositive]})`);
  if (volume < 0) return reject(`volume is negative (${volume})`);
  if (high < low) return reject(`high ${high} is below low ${low}`);

  const bar: Bar = { symbol, date, open, high, low, close, adjClose, volume };

  // A close or open outside [low, high] is a recording error in one of the extremes; the
  // traded prices (open/close) are the more reliable figures, so the range is widened to them.
  if (open < low || close < low || open > high || close > high) {
    const fixedLow = Math.min(low, open, close);
    const fixedHigh = Math.max(high, open, close);
    const parts: string[] = [];
    if (fixedLow !== low) parts.push(`low ${low} → ${fixedLow}`);
    if (fixedHigh !== high) parts.push(`high ${high} → ${fixedHigh}`);
    return {
      action: "repaired",
      bar: { ...bar, low: fixedLow, high: fixedHigh },
      reason: `open/close outside the low–high range; widened the range (${parts.join(", ")})`,
    };
  }
  if (volume === 0) {
    return { action: "flagged", bar, reason: "zero volume (trading halt or last day before delisting); kept" };
  }
  return { action: "accepted", bar };
}
