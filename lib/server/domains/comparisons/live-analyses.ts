/**
 * The live-analysis job (every minute): for every optimization whose phase runs both arms (shadow
 * or canary), the always-valid comparison of its variant with the baseline over the samples of
 * that phase, stored as one row per optimization per phase (`phase_analysis`).
 */
import type pg from "pg";
import type { PhaseSample } from "../../../optimizer/analysis/blocks";
import { analysePhase, type AnalysedPhase, type StoredAnalysis } from "../../../optimizer/analysis/live-analysis";
import type { AnalysisResult, Verdict } from "../../../optimizer/analysis/phase-analysis";
import { sampleRatioMismatch } from "../../../optimizer/stats/chi-square";
import { afterCursor, pageOf, type KeyValues, type Page } from "../../platform/http/paging";
import { ANALYSIS_PAGING } from "./comparison-schemas";

interface LiveOptimizationRow {
  id: string;
  operation_name: string;
  strategy: string;
  state: "shadow" | "canary";
  percent: number;
  version: number;
  updated_at: Date;
}

interface PhaseAnalysisRow {
  optimization_id: string;
  phase: number;
  operation: string;
  strategy: string;
  state: "shadow" | "canary";
  percent: number;
  started_at: Date;
  information_target: number;
  verdict: Verdict;
  verdict_at: Date | null;
  ratio: number | null;
  ratio_low: number | null;
  ratio_high: number | null;
  n_baseline: number;
  n_optimized: number;
  blocks: number;
  window_from: Date;
  window_to: Date;
  method: string;
  result: AnalysisResult;
  updated_at: Date;
}

interface SampleRow {
  at_ms: number;
  duration_ms: number;
  outcome: string;
  variant: string;
  shadow: boolean;
}

function toStored(r: PhaseAnalysisRow): StoredAnalysis {
  // The split check is stored inside the result JSON; it is returned once, beside it.
  const { split, ...result } = r.result as AnalysisResult & { split?: StoredAnalysis["split"] };
  return {
    optimizationId: r.optimization_id,
    operation: r.operation,
    strategy: r.strategy,
    state: r.state,
    percent: r.percent,
    phase: r.phase,
    startedAt: r.started_at.getTime(),
    informationTarget: r.information_target,
    verdict: r.verdict,
    verdictAt: r.verdict_at?.getTime() ?? null,
    ratio: r.ratio,
    ratioLow: r.ratio_low,
    ratioHigh: r.ratio_high,
    nBaseline: r.n_baseline,
    nOptimized: r.n_optimized,
    blocks: r.blocks,
    windowFrom: r.window_from.getTime(),
    windowTo: r.window_to.getTime(),
    method: r.method,
    result,
    split: split ?? null,
  };
}

/** The arm of a sample in a phase: baseline primary runs vs the optimized arm (primary, or shadow in shadow). */
function armOf(p: AnalysedPhase, r: SampleRow): boolean | null {
  if (r.variant === "baseline") return r.shadow ? null : false;
  if (!r.variant.split("+").includes(p.strategy)) return null;
  return p.state === "shadow" ? (r.shadow ? true : null) : r.shadow ? null : true;
}

/** Reads a phase's samples (oldest first) as the analysis needs them. */
async function phaseSamples(pool: pg.Pool, p: AnalysedPhase, now: number): Promise<PhaseSample[]> {
  const r = await pool.query<SampleRow>(
    `select extract(epoch from at) * 1000 as at_ms, duration_ms, outcome, variant, shadow
       from sample where operation = $1 and at >= $2 and at < $3`,
    [p.operation, new Date(p.startedAt), new Date(now)],
  );
  const out: PhaseSample[] = [];
  for (const row of r.rows) {
    const optimized = armOf(p, row);
    if (optimized !== null) out.push({ at: row.at_ms, durationMs: row.duration_ms, ok: row.outcome === "ok", optimized });
  }
  return out;
}

/**
 * Analyses every optimization in shadow or canary; returns the stored analyses. `shadowTimingsComparable`
 * says whether an operation's shadow runs do the same work as its primary runs: a shadow run of a
 * writing operation discards its writes, so its timings would flatter it (such shadow phases are
 * judged on results only, by the guard's mismatch rule).
 */
export async function runLiveAnalyses(
  pool: pg.Pool,
  opts: { now?: number; shadowTimingsComparable?: (operation: string) => boolean } = {},
): Promise<StoredAnalysis[]> {
  const now = opts.now ?? Date.now();
  const live = await pool.query<LiveOptimizationRow>(
    "select id, operation_name, strategy, state, percent, version, updated_at from optimization where state in ('shadow', 'canary') and strategy <> 'queue'",
  );
  const stored: StoredAnalysis[] = [];
  for (const o of live.rows) {
    if (o.state === "shadow" && opts.shadowTimingsComparable?.(o.operation_name) === false) continue;
    const p: AnalysedPhase = {
      optimizationId: o.id,
      operation: o.operation_name,
      strategy: o.strategy,
      state: o.state,
      percent: o.percent,
      phase: o.version,
      startedAt: o.updated_at.getTime(),
    };
    const prev = await pool.query<PhaseAnalysisRow>("select * from phase_analysis where optimization_id = $1 and phase = $2", [o.id, o.version]);
    const previous = prev.rows[0] ? toStored(prev.rows[0]) : null;
    if (previous && previous.verdict !== "none") {
      stored.push(previous);
      continue;
    }
    const before = previous
      ? 0
      : (
          await pool.query<{ n: number }>("select count(*)::int as n from sample where operation = $1 and at >= $2 and at < $3 and not shadow", [
            p.operation,
            new Date(p.startedAt - 300_000),
            new Date(p.startedAt),
          ])
        ).rows[0]!.n;
    const a = analysePhase(p, await phaseSamples(pool, p, now), now, { previous, callsInFiveMinutesBefore: before });
    a.split = p.state === "canary" ? await splitCheck(pool, p.operation, p.strategy, p.percent, new Date(p.startedAt), new Date(now)) : null;
    await upsert(pool, a);
    stored.push(a);
  }
  return stored;
}

async function upsert(pool: pg.Pool, a: StoredAnalysis): Promise<void> {
  await pool.query(
    `insert into phase_analysis (optimization_id, phase, operation, strategy, state, percent, started_at, information_target, verdict, verdict_at,
       ratio, ratio_low, ratio_high, n_baseline, n_optimized, blocks, window_from, window_to, method, result, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, now())
     on conflict (optimization_id, phase) do update set
       verdict = excluded.verdict, verdict_at = excluded.verdict_at, ratio = excluded.ratio, ratio_low = excluded.ratio_low,
       ratio_high = excluded.ratio_high, n_baseline = excluded.n_baseline, n_optimized = excluded.n_optimized, blocks = excluded.blocks,
       window_to = excluded.window_to, result = excluded.result, updated_at = now()
     where phase_analysis.verdict = 'none'`,
    [
      a.optimizationId,
      a.phase,
      a.operation,
      a.strategy,
      a.state,
      a.percent,
      new Date(a.startedAt),
      a.informationTarget,
      a.verdict,
      a.verdictAt === null ? null : new Date(a.verdictAt),
      a.ratio,
      a.ratioLow,
      a.ratioHigh,
      a.nBaseline,
      a.nOptimized,
      a.blocks,
      new Date(a.windowFrom),
      new Date(a.windowTo),
      a.method,
      JSON.stringify({ ...a.result, split: a.split ?? null }),
    ],
  );
}

/** Stored analyses, newest phase first: one page of the API's list. */
export async function listAnalyses(
  pool: pg.Pool,
  q: { operation?: string; optimizationId?: string; limit: number; cursor?: KeyValues<typeof ANALYSIS_PAGING.key> },
): Promise<Page<StoredAnalysis>> {
  const params: unknown[] = [q.operation ?? null, q.optimizationId ?? null];
  const after = afterCursor(ANALYSIS_PAGING, ["started_at", "optimization_id", "phase"], q.cursor, params);
  const r = await pool.query<PhaseAnalysisRow>(
    `select * from phase_analysis
      where ($1::text is null or operation = $1) and ($2::text is null or optimization_id = $2) and ${after}
      order by started_at desc, optimization_id desc, phase desc limit $${params.push(q.limit + 1)}`,
    params,
  );
  return pageOf(ANALYSIS_PAGING, r.rows.map(toStored), q.limit, (a) => [new Date(a.startedAt), a.optimizationId, a.phase]);
}

/** The analyses of the phases the optimizations are in now (the monitor's and the autopilot's input). */
export async function currentAnalyses(pool: pg.Pool): Promise<StoredAnalysis[]> {
  const r = await pool.query<PhaseAnalysisRow>(
    `select a.* from phase_analysis a join optimization o on o.id = a.optimization_id and o.version = a.phase
      where o.state in ('shadow', 'canary')`,
  );
  return r.rows.map(toStored);
}

/**
 * The measured false-verdict rate of A/A runs: phases of `identity` optimizations (the baseline
 * under another label) that issued any faster/slower verdict, over those that were analysed.
 */
export async function identityCalibration(pool: pg.Pool): Promise<{ phases: number; falseVerdicts: number; rate: number | null }> {
  const r = await pool.query<{ phases: number; false_verdicts: number }>(
    `select count(*)::int as phases, count(*) filter (where verdict <> 'none')::int as false_verdicts
       from phase_analysis where strategy = 'identity' and blocks >= 2`,
  );
  const { phases = 0, false_verdicts = 0 } = r.rows[0] ?? {};
  return { phases, falseVerdicts: false_verdicts, rate: phases > 0 ? false_verdicts / phases : null };
}

/**
 * Sample-ratio-mismatch check of a canary split: the distinct request keys seen in each group
 * against the configured percentage (χ² goodness of fit, flagged at p < 0.001). Keys, not calls,
 * are the unit: assignment is per key, and one busy key would otherwise look like a broken split.
 */
export async function splitCheck(pool: pg.Pool, operation: string, strategy: string, percent: number, from: Date, to: Date) {
  const r = await pool.query<{ optimized: number; baseline: number }>(
    `select count(distinct key_hash) filter (where $2 = any(string_to_array(variant, '+')))::int as optimized,
            count(distinct key_hash) filter (where variant = 'baseline')::int as baseline
       from sample where operation = $1 and at >= $3 and at < $4 and not shadow`,
    [operation, strategy, from, to],
  );
  const { optimized = 0, baseline = 0 } = r.rows[0] ?? {};
  if (optimized + baseline < 20) return { keys: optimized + baseline, expectedPercent: percent, checked: false as const };
  const t = sampleRatioMismatch([baseline, optimized], [100 - percent, percent]);
  return {
    keys: optimized + baseline,
    optimizedKeys: optimized,
    expectedPercent: percent,
    checked: true as const,
    mismatch: t.mismatch,
    pValue: t.pValue,
    statistic: t.statistic,
  };
}
