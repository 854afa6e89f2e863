"use client";
import { useQuery } from "@tanstack/react-query";
import type { Operation } from "@/lib/client/api-types";
import { comparisonsQuery, operationsQuery } from "@/lib/client/queries";
import { formatDateTime, formatMb, formatMs, formatPct, formatPValue, formatShortDateTime } from "@/lib/format";
import { Panel } from "../../panel";
import { Verdict } from "../../ui/verdict";
import { CiBar, ciDomain } from "./ci-bar";
import { RunBenchmark } from "./run-benchmark";
import styles from "./comparisons.module.css";

function benchmarkBlocked(op: Operation, strategy: string): string | null {
  if (strategy === "queue") return "The queue strategy moves calls to background tasks; it is measured live, not benchmarked.";
  if (op.sideEffects && !op.idempotent) return `${op.name} writes data and is not idempotent: running it twice would write twice.`;
  return null;
}

function BeforeAfter({ before, after, format }: { before: number | null; after: number | null; format: (v: number | null) => string }) {
  return (
    <>
      {format(before)}
      <span className={styles.arrow}>→</span>
      {format(after)}
    </>
  );
}

/** Comparison history (live and benchmark) with 95% CIs, and "Run benchmark" per optimization. */
export function ComparisonsPanel({ operation }: { operation: string }) {
  const ops = useQuery(operationsQuery);
  const q = useQuery(comparisonsQuery(operation));
  const op = ops.data?.find((o) => o.name === operation);
  const rows = q.data ?? [];
  const domain = ciDomain(rows);
  return (
    <Panel
      title="Comparisons"
      aside="improvement = 1 − ratio of typical durations (Hodges–Lehmann); its interval and the verdict come from one test"
      loading={q.isPending}
      error={q.error}
      onRetry={() => void q.refetch()}
      testId="comparisons"
    >
      {op && op.optimizations.length > 0 && (
        <div className={styles.bench}>
          {op.optimizations.map((o) => (
            <RunBenchmark key={o.id} operation={operation} strategy={o.strategy} disabledReason={benchmarkBlocked(op, o.strategy)} />
          ))}
        </div>
      )}
      {rows.length === 0 ? (
        <div className="muted">No comparisons yet: run a benchmark or put the optimization in shadow/canary.</div>
      ) : (
        <div style={{ overflowX: "auto" }}>
          <table>
            <thead>
              <tr>
                <th>When</th>
                <th>Variant · kind</th>
                <th className="num" title="sample sizes: baseline / optimized">
                  n
                </th>
                <th className="num">Median</th>
                <th className="num">p95</th>
                <th className="num">Memory per call</th>
                <th>Improvement [95% CI]</th>
                <th>Verdict</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={c.id} data-testid="comparison-row" data-variant={c.variant} data-kind={c.kind}>
                  <td title={formatDateTime(c.createdAt)}>{formatShortDateTime(c.createdAt)}</td>
                  <td>
                    {c.variant} <span className="muted">· {c.kind}</span>
                  </td>
                  <td className="num">
                    {c.nBaseline} / {c.nOptimized}
                  </td>
                  <td className="num">
                    <BeforeAfter before={c.medianBaselineMs} after={c.medianOptimizedMs} format={formatMs} />
                  </td>
                  <td className="num">
                    <BeforeAfter before={c.p95BaselineMs} after={c.p95OptimizedMs} format={formatMs} />
                  </td>
                  <td className="num">
                    <BeforeAfter before={c.memoryBaselineBytes} after={c.memoryOptimizedBytes} format={formatMb} />
                  </td>
                  <td>
                    <div className={styles.improvement}>
                      {c.improvementPct === null || c.verdict === "insufficient_data" ? (
                        <span className="muted">not enough data</span>
                      ) : (
                        <span>
                          {formatPct(c.improvementPct, 1)}{" "}
                          <span className="muted">
                            [{formatPct(c.ciLowPct, 1)}, {formatPct(c.ciHighPct, 1)}]
                          </span>
                        </span>
                      )}
                      <CiBar value={c.improvementPct} low={c.ciLowPct} high={c.ciHighPct} verdict={c.verdict} domain={domain} />
                    </div>
                  </td>
                  <td className="wrap">
                    <Verdict verdict={c.verdict} />
                    <div className="muted">{formatPValue(c.pValue)}</div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
