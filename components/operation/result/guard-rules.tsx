import type { GuardStatus } from "@/lib/client/api-types";
import { formatCount, formatRatioChange, formatShare, humanize } from "@/lib/format";
import styles from "./result.module.css";

function z(v: number | null): string {
  return v === null ? "—" : v.toFixed(2);
}

/**
 * The guard's rules as it watches them now: the threshold, the current value, the statistic and
 * the boundary it must reach to roll back, and whether enough samples exist for it to act.
 */
export function GuardRules({ guard }: { guard: GuardStatus }) {
  return (
    <ul className={styles.rules} data-testid="guard-rules">
      {guard.rules.map((r) => {
        const rate = r.rule === "error_rate" || r.rule === "mismatch_rate";
        const limit = rate ? `limit ${formatShare(r.limit)}` : `tolerated ${formatRatioChange(r.limit, 0)}`;
        const current = rate && r.observed !== null ? `now ${formatShare(r.observed)}` : null;
        const near = r.z !== null && r.boundaryZ !== null && r.boundaryZ > 0 && r.z >= 0.8 * r.boundaryZ;
        const enough = r.samples >= r.minSamples;
        return (
          <li key={r.rule} data-near={near} title={r.watches}>
            <span className={styles.ruleName}>{humanize(r.rule)}</span>
            <span className={styles.ruleValue}>
              {current && <>{current} · </>}
              {limit} ·{" "}
              {r.z === null || r.boundaryZ === null ? (
                <span className="muted">no statistic yet</span>
              ) : (
                <>
                  z {z(r.z)} of {z(r.boundaryZ)} to roll back
                </>
              )}{" "}
              ·{" "}
              <span className={enough ? undefined : "muted"}>
                {formatCount(r.samples)} of ≥{formatCount(r.minSamples)} samples{enough ? "" : " (not acting yet)"}
              </span>
              <span className="muted"> — watches {r.watches}</span>
            </span>
          </li>
        );
      })}
    </ul>
  );
}
