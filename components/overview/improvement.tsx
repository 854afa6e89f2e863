import type { LatestComparison } from "@/lib/client/api-types";
import { formatDateTime, formatPct } from "@/lib/format";
import { Verdict } from "../ui/verdict";

/** The measured improvement of the latest comparison with its 95% CI, or "not enough data". */
export function Improvement({ comparison, testId }: { comparison: LatestComparison | null; testId?: string }) {
  if (!comparison || comparison.improvementPct === null || comparison.verdict === "insufficient_data") {
    const n = comparison ? ` (n = ${comparison.nBaseline} baseline / ${comparison.nOptimized} optimized)` : "";
    return (
      <span className="muted" data-testid={testId}>
        not enough data{n}
      </span>
    );
  }
  const c = comparison;
  const ci = c.ciLowPct !== null && c.ciHighPct !== null ? ` [${formatPct(c.ciLowPct, 1)}, ${formatPct(c.ciHighPct, 1)}]` : "";
  return (
    <span
      data-testid={testId}
      title={`${c.kind} comparison of ${formatDateTime(c.createdAt)}; n = ${c.nBaseline} baseline / ${c.nOptimized} optimized; 95% CI in brackets`}
    >
      <strong>{formatPct(c.improvementPct, 1)}</strong>
      <span className="muted">{ci}</span> <Verdict verdict={c.verdict} />
      <span className="muted"> · {c.kind}</span>
    </span>
  );
}
