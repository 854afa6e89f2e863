/**
 * Rollup percentiles (HDR histograms, through rollupSamples → readRollups → mergeRollups on a real
 * Postgres) equal the raw nearest-rank percentiles of the same calls within 1 %: one percentile
 * definition, whether a page reads rollups or computes from raw samples.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { percentile } from "../../lib/optimizer/stats/quantile";
import { createRng, standardNormal } from "../../lib/optimizer/stats/rng";
import { mergeRollups, readRollups, rollupSamples } from "../../lib/server/domains/rollups/rollups";
import { createTestDatabase } from "../helpers/db";

const M = Date.UTC(2025, 5, 2, 10, 0, 0);
const OPERATION = "reports.build";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

/**
 * Log-normal latencies (ms) with outliers: 2.5 % at 30–300× the median (so the p99 lands among
 * them) and three calls of 2 h, beyond the histogram's 1 h range (clamped there; above the p99).
 */
function latencies(seed: number, n: number, medianMs: number, sigma: number): number[] {
  const rng = createRng(seed);
  const out = Array.from({ length: n }, () => medianMs * Math.exp(sigma * standardNormal(rng)));
  for (let i = 0; i < n; i += 40) out[i] = medianMs * (30 + 270 * rng());
  for (const i of [7, 11, 13]) out[i] = 7_200_000;
  return out;
}

/** Nearest-rank by its definition, independently of lib/optimizer/stats: sorted[⌈p/100·n⌉ − 1]. */
function nearestRank(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
}

async function insertSamples(variant: string, durations: readonly number[], seq0: number): Promise<void> {
  // Calls alternate between two minutes, so a merged window is checked too.
  const at = durations.map((_, i) => new Date(M + (i % 2) * 60_000 + ((i * 7) % 59_000)).toISOString());
  await db.pool.query(
    `insert into sample (at, operation, variant, duration_ms, memory_bytes, outcome, cache_hit, shadow, instance, key_hash, seq)
     select a::timestamp, $2, $3, d, null, 'ok', false, false, 'pct', 0, $5::int + ord
     from unnest($1::text[], $4::float8[]) with ordinality as t(a, d, ord)`,
    [at, OPERATION, variant, durations, seq0],
  );
}

const variants = {
  // Medians from 0.1 ms to 0.3 s, wide and narrow spreads.
  baseline: latencies(1, 8_000, 45, 0.8),
  memory: latencies(2, 6_000, 0.1, 1.0),
  async: latencies(3, 5_000, 280, 0.4),
  // A cache hit of a few µs: below the 50 µs that the 1 % covers (see the last test).
  cache: latencies(4, 4_000, 0.004, 0.5).map((d) => Math.min(d, 0.02)),
};

describe("rollup percentiles vs raw nearest-rank percentiles", () => {
  beforeAll(async () => {
    let seq = 0;
    for (const [variant, d] of Object.entries(variants)) {
      await insertSamples(variant, d, seq);
      seq += d.length;
    }
    const res = await rollupSamples(db.pool, { until: new Date(M + 120_000), since: new Date(M) });
    expect(res.rows).toBe(8);
  });

  it("agree within 1 % for every minute and for the merged window (p50, p95, p99)", async () => {
    const problems: string[] = [];
    for (const variant of ["baseline", "memory", "async"] as const) {
      const raw = variants[variant];
      const rows = await readRollups(db.pool, { operation: OPERATION, variant, from: new Date(M), to: new Date(M + 120_000) });
      expect(rows.map((r) => r.count)).toEqual([Math.ceil(raw.length / 2), Math.floor(raw.length / 2)]);
      const windows = [
        { what: "minute 0", values: raw.filter((_, i) => i % 2 === 0), got: rows[0]! },
        { what: "minute 1", values: raw.filter((_, i) => i % 2 === 1), got: rows[1]! },
        { what: "merged", values: raw, got: mergeRollups(rows) },
      ];
      for (const { what, values, got } of windows) {
        for (const [p, rollup] of [
          [50, got.p50Ms],
          [95, got.p95Ms],
          [99, got.p99Ms],
        ] as const) {
          const exact = nearestRank(values, p);
          expect(percentile(values, p)).toBe(exact); // the product's function follows the same definition
          const rel = Math.abs(rollup! - exact) / exact;
          // HDR reports the top of the value's bucket: ≤ 1/1024 above it, plus rounding to whole µs.
          const inBucket = rollup! >= exact - 0.0005 && rollup! <= exact * (1 + 1 / 1024) + 0.0005;
          if (!(rel <= 0.01 && inBucket)) problems.push(`${variant} ${what} p${p}: rollup ${rollup} ms vs raw ${exact} ms (${(rel * 100).toFixed(3)} %)`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("below 50 µs equal the raw percentile rounded to the µs (the dashboard's resolution)", async () => {
    const raw = variants.cache;
    const rows = await readRollups(db.pool, { operation: OPERATION, variant: "cache", from: new Date(M), to: new Date(M + 120_000) });
    const merged = mergeRollups(rows);
    for (const [p, rollup] of [
      [50, merged.p50Ms],
      [95, merged.p95Ms],
      [99, merged.p99Ms],
    ] as const) {
      expect(rollup! * 1000).toBeCloseTo(Math.round(nearestRank(raw, p) * 1000), 9);
    }
  });
});
