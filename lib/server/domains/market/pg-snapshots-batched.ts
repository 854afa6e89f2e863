import type pg from "pg";
import type { BatchSnapshotStore } from "../../../market/ports-compact";

/**
 * Postgres {@link BatchSnapshotStore}: all rows in one `INSERT … SELECT FROM unnest(…)`, one
 * array parameter per column (one round trip and one statement instead of 482). Dates are sent
 * like pgSnapshotStore.insertOne sends them (pg serializes Date as UTC, the timestamp column
 * keeps the UTC wall time), so both write identical rows.
 */
export function pgBatchSnapshotStore(pool: pg.Pool): BatchSnapshotStore {
  return {
    async insertMany(rows) {
      if (rows.length === 0) return 0;
      const r = await pool.query(
        `insert into price_snapshot (taken_at, market_date, symbol, price, change, change_pct, volume)
         select * from unnest($1::timestamp(3)[], $2::date[], $3::text[], $4::float8[], $5::float8[], $6::float8[], $7::float8[])`,
        [
          rows.map((r) => r.takenAt),
          rows.map((r) => r.marketDate),
          rows.map((r) => r.symbol),
          rows.map((r) => r.price),
          rows.map((r) => r.change),
          rows.map((r) => r.changePct),
          rows.map((r) => r.volume),
        ],
      );
      return r.rowCount ?? 0;
    },
  };
}
