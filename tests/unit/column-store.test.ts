/**
 * The in-memory column store against a fake loader standing in for Postgres: reads up to a date,
 * catch-up of days past the loaded range (what a new day of a live feed looks like), single-flight
 * loads, reset, and the memory bound of ≤ 56 B per held bar under appends.
 */
import { describe, expect, it } from "vitest";
import { createColumnStore, type ColumnStoreLoader } from "../../lib/market/column-store";
import { dayNumber, INDICATOR_FIELDS } from "../../lib/market/ports-compact";
import type { BarColumns } from "../../lib/market/types";

const D0 = dayNumber("2019-01-01");

/** A table of bars: symbol → days (close = day + symbol index, the other fields derived). */
function fakeDb(symbols: string[], days: number) {
  const rows = new Map<string, number[]>(symbols.map((s) => [s, Array.from({ length: days }, (_, i) => D0 + i)]));
  const calls: { after: number | null; through: number | null }[] = [];
  const cols = (symbol: string, ds: number[]): BarColumns => {
    const k = symbols.indexOf(symbol);
    const f = (m: number) => Float64Array.from(ds, (d) => d * m + k);
    return { symbol, length: ds.length, day: Int32Array.from(ds), open: f(1), high: f(2), low: f(0.5), close: f(1.5), volume: f(10) };
  };
  const loader: ColumnStoreLoader = {
    listSymbols: async () => [...symbols].sort(),
    async columnsBetween(after, through) {
      calls.push({ after, through });
      await new Promise((r) => setTimeout(r, 1));
      const out: BarColumns[] = [];
      for (const [s, ds] of rows) {
        const sel = ds.filter((d) => (after === null || d > after) && (through === null || d <= through));
        if (sel.length > 0) out.push(cols(s, sel));
      }
      return out;
    },
  };
  return {
    loader,
    calls,
    /** Adds the next day for every symbol (a tick of a live feed). */
    addDay: () => {
      for (const ds of rows.values()) ds.push(ds[ds.length - 1]! + 1);
    },
    lastDay: () => Math.max(...[...rows.values()].map((ds) => ds[ds.length - 1]!)),
    expected: (symbol: string, asOf: number) =>
      cols(
        symbol,
        rows.get(symbol)!.filter((d) => d <= asOf),
      ),
  };
}

const iso = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);

describe("column store", () => {
  it("answers reads up to any date from one load, without touching the loader again", async () => {
    const db = fakeDb(["MSFT", "AAPL"], 30);
    const store = createColumnStore(db.loader);
    expect(await store.listSymbols()).toEqual(["AAPL", "MSFT"]);
    const asOf = D0 + 9;
    const one = await store.columnsUpTo("AAPL", iso(asOf));
    expect(one.length).toBe(10);
    expect([...one.close]).toEqual([...db.expected("AAPL", asOf).close]);
    expect([...one.day]).toEqual([...db.expected("AAPL", asOf).day]);
    // Unrequested fields are zero-length; unknown symbols read as length 0.
    const some = await store.columnsUpTo("MSFT", iso(asOf), INDICATOR_FIELDS);
    expect([some.open.length, some.volume.length, some.close.length]).toEqual([0, 0, 10]);
    expect((await store.columnsUpTo("NOPE", iso(asOf))).length).toBe(0);
    // Before the first bar: absent from the batch, as in the Postgres source.
    expect([...(await store.allColumnsUpTo(iso(D0 - 1))).keys()]).toEqual([]);
    const all = await store.allColumnsUpTo(iso(asOf), ["MSFT", "NOPE", "AAPL", "MSFT"]);
    expect([...all.keys()]).toEqual(["MSFT", "AAPL"]);
    expect(db.calls).toEqual([{ after: null, through: null }]);
  });

  it("appends the days past its loaded range on the first read that asks for them, once", async () => {
    const db = fakeDb(["AAPL", "MSFT"], 20);
    const store = createColumnStore(db.loader);
    await store.ready();
    const held = await store.columnsUpTo("AAPL", iso(db.lastDay()));
    for (let tick = 0; tick < 3; tick++) {
      db.addDay();
      const asOf = db.lastDay();
      // Concurrent readers share one catch-up query.
      const [a, m] = await Promise.all([store.columnsUpTo("AAPL", iso(asOf)), store.columnsUpTo("MSFT", iso(asOf))]);
      expect([...a.close]).toEqual([...db.expected("AAPL", asOf).close]);
      expect([...m.day]).toEqual([...db.expected("MSFT", asOf).day]);
    }
    expect(db.calls.slice(1)).toEqual([1, 2, 3].map((k) => ({ after: D0 + 18 + k, through: D0 + 19 + k })));
    expect(store.stats()).toMatchObject({ catchUps: 3, bars: 46, loadedThroughDay: D0 + 22 });
    // A view taken before the appends still covers exactly its bars.
    expect(held.length).toBe(20);
    expect([...held.close]).toEqual([...db.expected("AAPL", D0 + 19).close]);
  });

  it("holds ≤ 56 B per bar however many days are appended", async () => {
    const db = fakeDb(["A", "B", "C"], 1000);
    const store = createColumnStore(db.loader);
    await store.ready();
    expect(store.stats().bytes / store.stats().bars).toBe(44);
    for (let tick = 0; tick < 400; tick++) {
      db.addDay();
      await store.columnsUpTo("A", iso(db.lastDay()));
      const s = store.stats();
      expect(s.bytes / s.bars).toBeLessThanOrEqual(56);
    }
    expect(store.stats().bars).toBe(3 * 1400);
  });

  it("shares one load between concurrent first reads, retries a failed load, and reloads after reset", async () => {
    const db = fakeDb(["AAPL"], 5);
    let fail = true;
    const flaky: ColumnStoreLoader = {
      listSymbols: db.loader.listSymbols,
      columnsBetween: (a, t) => (fail ? ((fail = false), Promise.reject(new Error("db down"))) : db.loader.columnsBetween(a, t)),
    };
    const store = createColumnStore(flaky);
    await expect(store.ready()).rejects.toThrow("db down");
    await Promise.all([store.columnsUpTo("AAPL", iso(D0)), store.columnsUpTo("AAPL", iso(D0 + 1)), store.ready()]);
    expect(db.calls).toHaveLength(1);
    store.reset();
    expect(store.stats().bars).toBe(0);
    expect((await store.columnsUpTo("AAPL", iso(D0 + 4))).length).toBe(5);
    expect(db.calls).toHaveLength(2);
    await expect(store.columnsUpTo("AAPL", "2019-02-30")).rejects.toThrow("invalid date");
  });
});
