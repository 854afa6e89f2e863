import { formatDateTime, formatPValue, humanize } from "@/lib/format";
import { formatEvidenceNumber, JsonValue } from "./json-value";
import styles from "./evidence.module.css";

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);
const num = (v: unknown) => (typeof v === "number" ? formatEvidenceNumber(v) : v === undefined || v === null ? "—" : String(v));

/**
 * The evidence of an automatic action, readable: the rule, observed values against thresholds,
 * sample sizes, the test (name, statistic, p-value) and the window; anything else as a list.
 */
export function EvidenceView({ evidence }: { evidence: unknown }) {
  if (!isRec(evidence)) return <JsonValue value={evidence} />;
  const { rule, summary, observed, threshold, sampleSizes, test, window, ...rest } = evidence;
  const obs = isRec(observed) ? observed : {};
  const thr = isRec(threshold) ? threshold : {};
  const keys = [...new Set([...Object.keys(obs), ...Object.keys(thr)])];
  return (
    <div className={styles.evidence}>
      {typeof summary === "string" && <p className={styles.summary}>{summary}</p>}
      {rule !== undefined && (
        <div>
          <span className="muted">rule </span>
          <strong>{humanize(String(rule))}</strong>
        </div>
      )}
      {keys.length > 0 && (
        <table className={styles.table}>
          <thead>
            <tr>
              <th>value</th>
              <th className="num">observed</th>
              <th className="num">threshold</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k}>
                <td>{humanize(k)}</td>
                <td className="num">{num(obs[k])}</td>
                <td className="num">{num(thr[k])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {isRec(sampleSizes) && (
        <div>
          <span className="muted">sample sizes </span>
          {Object.entries(sampleSizes)
            .map(([k, v]) => `${humanize(k)} ${num(v)}`)
            .join(" · ")}
        </div>
      )}
      {isRec(test) && (
        <div>
          <span className="muted">test </span>
          {String(test.name ?? "—")}: statistic {num(test.statistic)}, {typeof test.pValue === "number" ? formatPValue(test.pValue) : "p —"}
        </div>
      )}
      {test === null && <div className="muted">no statistical test recorded</div>}
      {isRec(window) && (
        <div>
          <span className="muted">window </span>
          {formatDateTime(String(window.from ?? ""))} → {formatDateTime(String(window.to ?? ""))}
        </div>
      )}
      {Object.keys(rest).length > 0 && <JsonValue value={rest} />}
    </div>
  );
}
