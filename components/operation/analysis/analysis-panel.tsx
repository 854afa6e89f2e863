"use client";
import { useQuery } from "@tanstack/react-query";
import { analysesQuery } from "@/lib/client/queries";
import type { StoredAnalysis } from "@/lib/optimizer/analysis/live-analysis";
import { formatDateTime, formatRatioChange, humanize } from "@/lib/format";
import { Panel } from "../../panel";
import styles from "./analysis.module.css";

const VERDICT_TEXT = { faster: "faster", slower: "slower", none: "no verdict yet" } as const;

/** "−18.0%": the change of typical duration from a ratio optimized / baseline. */
const change = (r: number | null) => formatRatioChange(r);

function phaseLabel(a: StoredAnalysis): string {
  return a.state === "canary" ? `canary ${a.percent}%` : a.state;
}

/**
 * One row per optimization per phase: the always-valid verdict of the optimized variant against the
 * baseline, with its interval, n per side and method; and how often the A/A control (the baseline
 * under another label) called a difference, to read the verdicts against.
 */
export function AnalysisPanel({ operation }: { operation: string }) {
  const q = useQuery(analysesQuery(operation));
  const rows = q.data?.analyses ?? [];
  const aa = q.data?.identityCalibration;
  return (
    <Panel
      title="Live analysis per phase"
      aside={aa && (aa.phases > 0 ? `A/A control: ${aa.falseVerdicts} false verdicts in ${aa.phases} analysed phases` : "A/A control: no analysed phase yet")}
      loading={q.isPending}
      error={q.error}
      onRetry={() => void q.refetch()}
      empty={
        q.data && rows.length === 0 && "No phase analysed yet: put an optimization in shadow or canary (the analysis runs every minute on closed 30 s blocks)."
      }
      testId="analyses"
    >
      <div className={styles.scroll}>
        <table>
          <thead>
            <tr>
              <th>Optimization</th>
              <th>Phase</th>
              <th>Verdict</th>
              <th className="num" title="change of typical duration (optimized ÷ baseline − 1), with its always-valid interval">
                Change [interval]
              </th>
              <th className="num" title="calls: baseline / optimized, in closed blocks of this phase">
                n
              </th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr key={`${a.optimizationId}#${a.phase}`} data-testid="analysis-row">
                <td>{a.strategy === "identity" ? "identity (A/A control)" : humanize(a.strategy)}</td>
                <td>
                  #{a.phase} {phaseLabel(a)}
                  <div className="muted">since {formatDateTime(new Date(a.startedAt))}</div>
                </td>
                <td data-verdict={a.verdict} className={styles.verdict}>
                  {VERDICT_TEXT[a.verdict]}
                  {a.verdictAt !== null && <div className="muted">at {formatDateTime(new Date(a.verdictAt))} (final)</div>}
                </td>
                <td className="num">
                  {change(a.ratio)}{" "}
                  <span className="muted">
                    [{change(a.ratioLow)}, {change(a.ratioHigh)}]
                  </span>
                </td>
                <td className="num">
                  {a.nBaseline.toLocaleString()} / {a.nOptimized.toLocaleString()}
                  <div className="muted">{a.blocks} blocks</div>
                </td>
                <td>{formatDateTime(new Date(a.windowTo))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {q.data && <p className={`muted ${styles.method}`}>Method: {q.data.method}. Percentiles elsewhere on this page are nearest-rank.</p>}
    </Panel>
  );
}
