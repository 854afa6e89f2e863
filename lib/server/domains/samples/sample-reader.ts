/**
 * Reads the monitor's windows from the `sample` table: per operation and variant the recent
 * span and the reference hour before it, each capped to the newest N rows.
 */
import type pg from "pg";
import type { MonitorConfig } from "../../../optimizer/monitor/config";
import type { SeriesWindow, VariantSeries } from "../../../optimizer/monitor/types";

interface Row {
  operation: string;
  variant: string;
  at_ms: number;
  duration_ms: number;
  memory_bytes: number | null;
  outcome: string;
}

// row_number() per (operation, variant) keeps the newest rows of each series, so one busy
// operation cannot crowd the others out of the cap. `at` is UTC wall time (timestamp without
// time zone), so its epoch is the UTC epoch.
const WINDOW_SQL = `
  select operation, variant, extract(epoch from at)::float8 * 1000 as at_ms, duration_ms, memory_bytes, outcome
  from (select operation, variant, at, duration_ms, memory_bytes, outcome,
               row_number() over (partition by operation, variant order by at desc) as rn
        from sample where at >= $1 and at < $2) s
  where rn <= $3
  order by operation, variant, at`;

function pack(rows: Row[]): Map<string, { operation: string; variant: string; window: SeriesWindow }> {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = `${r.operation}\u0000${r.variant}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(r);
  }
  const out = new Map<string, { operation: string; variant: string; window: SeriesWindow }>();
  for (const [key, g] of groups) {
    const w: SeriesWindow = {
      length: g.length,
      at: new Float64Array(g.length),
      durationMs: new Float64Array(g.length),
      memoryBytes: new Float64Array(g.length),
      failed: new Uint8Array(g.length),
    };
    g.forEach((r, i) => {
      w.at[i] = r.at_ms;
      w.durationMs[i] = r.duration_ms;
      w.memoryBytes[i] = r.memory_bytes ?? NaN;
      w.failed[i] = r.outcome === "ok" ? 0 : 1;
    });
    out.set(key, { operation: g[0]!.operation, variant: g[0]!.variant, window: w });
  }
  return out;
}

const empty = (): SeriesWindow => ({
  length: 0,
  at: new Float64Array(0),
  durationMs: new Float64Array(0),
  memoryBytes: new Float64Array(0),
  failed: new Uint8Array(0),
});

/** The recent and reference windows of every operation and variant with samples. */
export async function readSeries(pool: pg.Pool, now: number, config: MonitorConfig): Promise<VariantSeries[]> {
  const recentFrom = now - config.recent.maxWindowSeconds * 1000;
  const referenceFrom = recentFrom - config.reference.windowSeconds * 1000;
  const cap = config.maxSamplesPerWindow;
  const [recent, reference] = await Promise.all([
    pool.query<Row>(WINDOW_SQL, [new Date(recentFrom), new Date(now + 1), cap]),
    pool.query<Row>(WINDOW_SQL, [new Date(referenceFrom), new Date(recentFrom), cap]),
  ]);
  const r = pack(recent.rows);
  const ref = pack(reference.rows);
  const keys = new Set([...r.keys(), ...ref.keys()]);
  return [...keys].map((k) => {
    const a = r.get(k);
    const b = ref.get(k);
    return { operation: (a ?? b)!.operation, variant: (a ?? b)!.variant, recent: a?.window ?? empty(), reference: b?.window ?? empty() };
  });
}

/** Last sample time of each operation (looked back at most `lookbackMs`), for the no-data rule. */
export async function readLastSeen(pool: pg.Pool, operations: string[], now: number, lookbackMs = 86_400_000): Promise<Record<string, number | null>> {
  const out: Record<string, number | null> = Object.fromEntries(operations.map((o) => [o, null]));
  if (operations.length === 0) return out;
  // One index probe per operation on (operation, at): max() over an index is a backward scan of one row.
  const r = await pool.query<{ operation: string; last_ms: number | null }>(
    `select o.operation, (select extract(epoch from max(s.at))::float8 * 1000 from sample s where s.operation = o.operation and s.at > $2) as last_ms
     from unnest($1::text[]) as o(operation)`,
    [operations, new Date(now - lookbackMs)],
  );
  for (const row of r.rows) out[row.operation] = row.last_ms;
  return out;
}
