"use client";
import { useQuery } from "@tanstack/react-query";
import type { AutopilotStatus, Comparison, Optimization, StoredAnalysis } from "@/lib/client/api-types";
import { optimizationQuery } from "@/lib/client/queries";
import { formatCount, formatDateTime, formatRatioChange, humanize } from "@/lib/format";
import { StateBadge } from "../../ui/state-badge";
import { agreement } from "./agreement";
import { GuardRules } from "./guard-rules";
import { NextStep } from "./next-step";
import { RatioAxis, type AxisInterval } from "./ratio-axis";
import styles from "./result.module.css";

const VERDICT_TEXT = { faster: "faster", slower: "slower", none: "no verdict yet" } as const;

/** A benchmark's improvement interval (100·(1 − ratio)) as a ratio interval. */
function benchmarkInterval(c: Comparison | null): AxisInterval | null {
  if (!c) return null;
  const r = (pct: number | null) => (pct === null ? null : 1 - pct / 100);
  return { kind: "benchmark", label: `benchmark of ${formatDateTime(c.createdAt)}`, ratio: r(c.improvementPct), low: r(c.ciHighPct), high: r(c.ciLowPct) };
}

function liveInterval(a: StoredAnalysis | null): AxisInterval {
  return { kind: "live", label: "live analysis", ratio: a?.ratio ?? null, low: a?.ratioLow ?? null, high: a?.ratioHigh ?? null, verdict: a?.verdict };
}

function splitText(a: StoredAnalysis): string {
  if (a.state === "shadow") return "not applicable: in shadow every call runs both variants";
  const s = a.split;
  if (!s || !s.checked) return `not checked yet (${formatCount(s?.keys ?? 0)} distinct keys so far)`;
  const seen = s.optimizedKeys !== undefined && s.keys > 0 ? `${((s.optimizedKeys / s.keys) * 100).toFixed(1)}% of ${formatCount(s.keys)} keys optimized` : "";
  const p = s.pValue !== undefined ? `, p = ${s.pValue < 0.001 ? "< 0.001" : s.pValue.toFixed(3)}` : "";
  return s.mismatch
    ? `sample ratio mismatch: ${seen}, expected ${s.expectedPercent}%${p} — the verdict is not trustworthy`
    : `OK: ${seen}, expected ${s.expectedPercent}%${p}`;
}

/** Name, state and phase of the card (the analysis, when there is one, says since when). */
function CardHead({ opt, analysis: a }: { opt: Optimization; analysis: StoredAnalysis | null }) {
  return (
    <h3 className={styles.head} id={`result-title-${opt.strategy}`}>
      <span>{opt.strategy === "identity" ? "identity (A/A control)" : humanize(opt.strategy)}</span>
      {/* State from the operations list: optimistic on a change and live through socket events; the detail refetches behind it. */}
      <StateBadge state={opt.state} percent={opt.percent} />
      <span className="muted" data-testid={`result-phase-${opt.strategy}`}>
        phase #{opt.version}
        {a && ` · ${a.state === "canary" ? `canary ${a.percent}%` : a.state} since ${formatDateTime(new Date(a.startedAt))}`}
      </span>
    </h3>
  );
}

/**
 * The result of one optimization as an experiment tool shows it: state and phase, the live verdict
 * with its interval beside the latest benchmark, the sensitivity at this n, the split check, the
 * guard's thresholds with their current values, and what happens next.
 */
export function ResultCard(props: {
  opt: Optimization;
  /** The latest benchmark; null when none was run, undefined while the list loads. */
  benchmark: Comparison | null | undefined;
  autopilot: AutopilotStatus | undefined;
}) {
  const { opt, autopilot } = props;
  const q = useQuery(optimizationQuery(opt.id));
  const d = q.data;
  // Only the analysis of the phase the optimization is in now (the list may be newer than the detail).
  const a = d?.analysis && d.analysis.phase === opt.version ? d.analysis : null;
  // Off since the start and never benchmarked: nothing to show but how to start, so the card stays
  // one line and the controls are not pushed below the first screen by empty axes and dashes.
  if (opt.state === "off" && opt.version === 0 && props.benchmark === null && !a) {
    return (
      <article className={`${styles.card} ${styles.dormant}`} data-testid={`result-card-${opt.strategy}`} aria-labelledby={`result-title-${opt.strategy}`}>
        <CardHead opt={opt} analysis={null} />
        <p className={styles.next} data-testid={`result-verdict-${opt.strategy}`}>
          <strong>Never measured.</strong>{" "}
          <span className="muted">
            Run a benchmark (Comparisons, below) or move it to shadow in Controls: every call then runs both variants and answers with the baseline&apos;s
            result, and the live analysis starts here.
          </span>
        </p>
        {d ? <NextStep opt={d} autopilot={autopilot} /> : null}
      </article>
    );
  }
  const benchmark = props.benchmark ?? null;
  const live = liveInterval(a);
  const bench = benchmarkInterval(benchmark);
  const agree = agreement(live, bench);
  return (
    <article className={styles.card} data-verdict={a?.verdict} data-testid={`result-card-${opt.strategy}`} aria-labelledby={`result-title-${opt.strategy}`}>
      <CardHead opt={opt} analysis={a} />
      {q.error ? (
        <p className="down" role="alert">
          Could not load the analysis: {q.error instanceof Error ? q.error.message : String(q.error)}
        </p>
      ) : null}
      <div>
        <span className={styles.verdict} data-verdict={a?.verdict ?? "none"} data-testid={`result-verdict-${opt.strategy}`}>
          {a ? VERDICT_TEXT[a.verdict] : q.isPending ? "loading…" : "no live analysis in this phase"}
        </span>{" "}
        {a && a.ratio !== null && (
          <span>
            {formatRatioChange(a.ratio)} duration{" "}
            <span className="muted">
              [{formatRatioChange(a.ratioLow)}, {formatRatioChange(a.ratioHigh)}]
            </span>
          </span>
        )}
      </div>
      <RatioAxis intervals={bench ? [live, bench] : [live]} />
      {agree === "contradict" && (
        <p className={styles.note} role="note" data-testid="result-conflict">
          The latest benchmark ({formatRatioChange(bench?.ratio)}) and the live analysis ({formatRatioChange(live.ratio)}) reach different conclusions beyond
          their intervals: the benchmark&apos;s inputs may not be the production traffic.
        </p>
      )}
      {agree === "differ" && (
        <p className={`muted ${styles.aside}`} data-testid="result-size-differs">
          Benchmark and live traffic agree on the direction, not on the size ({formatRatioChange(bench?.ratio)} against {formatRatioChange(live.ratio)},
          intervals apart): the benchmark&apos;s inputs are not the production traffic.
        </p>
      )}
      <dl className={styles.facts}>
        <dt>Calls (n)</dt>
        <dd>{a ? `${formatCount(a.nBaseline)} baseline · ${formatCount(a.nOptimized)} optimized · ${a.blocks} blocks of 30 s` : "—"}</dd>
        <dt>Detectable now</dt>
        <dd>
          {a?.result.detectableRatio != null
            ? `a slowdown of ${formatRatioChange(a.result.detectableRatio)} or more would be called “slower” at this n`
            : "not yet: too few closed blocks"}
        </dd>
        <dt>Split (SRM)</dt>
        <dd data-split={a?.split?.mismatch ? "mismatch" : "ok"}>{a ? splitText(a) : "—"}</dd>
        <dt>Benchmark</dt>
        <dd>
          {benchmark
            ? `${formatRatioChange(bench?.ratio ?? null)} duration, n = ${formatCount(benchmark.nBaseline)} / ${formatCount(benchmark.nOptimized)} (${formatDateTime(benchmark.createdAt)})`
            : "none run yet"}
        </dd>
      </dl>
      <h4 className={styles.section}>Guard</h4>
      {d?.guard ? (
        <GuardRules guard={d.guard} />
      ) : (
        <p className="muted" style={{ margin: 0 }}>
          Not watching: the guard watches shadow, canary and on.
        </p>
      )}
      <h4 className={styles.section}>What happens next</h4>
      {d ? <NextStep opt={d} autopilot={autopilot} /> : <p className="muted">—</p>}
    </article>
  );
}
