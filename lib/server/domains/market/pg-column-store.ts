/**
 * The in-memory column store (lib/market/column-store) loaded from Postgres: the bars come through
 * the same packed binary read as pgColumnSource (./pg-columns), all five price fields.
 * Measured by bench/indicators.ts on the real data set (482 symbols, 606k bars, embedded PG 18,
 * 2 shared cores): the full load takes 0.38 s on a quiet machine (1.4–1.5 s with the cores busy),
 * once at start; reading the universe's views out of the loaded store then takes ≈ 2 ms, against
 * ≈ 200 ms for the batched columnar query per call. A catch-up of one day is one small query.
 */
import type pg from "pg";
import { createColumnStore, type ColumnStore, type ColumnStoreLoader } from "../../../market/column-store";
import { isoDate } from "../../../market/ports-compact";
import { readColumnsBetween } from "./pg-columns";
import { listSymbolNames } from "./pg-stores";

/** Later than any bar: the upper bound of an unbounded read. */
const END_OF_DATA = "9999-12-31";

/** The store's loader over the shared pool. */
export function pgColumnStoreLoader(pool: pg.Pool): ColumnStoreLoader {
  return {
    listSymbols: () => listSymbolNames(pool),
    async columnsBetween(afterDay, throughDay) {
      const symbols = await listSymbolNames(pool);
      const after = afterDay === null ? null : isoDate(afterDay);
      return readColumnsBetween(pool, symbols, after, throughDay === null ? END_OF_DATA : isoDate(throughDay));
    },
  };
}

/** A column store over Postgres (empty until its first read or `ready()`). */
export function pgColumnStore(pool: pg.Pool): ColumnStore {
  return createColumnStore(pgColumnStoreLoader(pool));
}
