import type { AutopilotRollout, AutopilotStatus, OptimizationDetail } from "@/lib/client/api-types";
import { formatDateTime, formatSeconds, humanize } from "@/lib/format";
import styles from "./result.module.css";

function num(v: unknown, fallback: number): number {
  return typeof v === "number" && Number.isFinite(v) ? v : fallback;
}

/** The autopilot's settings that decide when a step advances (defaults of lib/optimizer/autopilot/config.ts). */
function settings(config: AutopilotStatus["config"]) {
  const shadow = (config?.shadow ?? {}) as Record<string, unknown>;
  const percents = Array.isArray(config?.canaryPercents) ? (config.canaryPercents as number[]) : [5, 25, 50];
  return { minStep: num(config?.minStepSeconds, 300), maxStep: num(config?.maxStepSeconds, 3600), shadowRuns: num(shadow.minRuns, 0), percents };
}

function nextOf(step: string, percents: number[]): string {
  const steps = ["shadow", ...percents.map((p) => `canary_${p}`), "on"];
  return steps[steps.indexOf(step) + 1] ?? "on";
}

/** The active autopilot rollout of this optimization, if any. */
export function activeRollout(status: AutopilotStatus | undefined, operation: string, strategy: string): AutopilotRollout | null {
  return status?.rollouts.find((r) => r.state === "active" && r.operation === operation && r.strategy === strategy) ?? null;
}

/** "What happens next": the autopilot's step and the condition to advance, or that nobody will move it. */
export function NextStep({ opt, autopilot }: { opt: OptimizationDetail; autopilot: AutopilotStatus | undefined }) {
  const r = activeRollout(autopilot, opt.operation, opt.strategy);
  const live = opt.state === "shadow" || opt.state === "canary" || opt.state === "on";
  if (!r) {
    return (
      <p className={styles.next} data-testid="next-step">
        <strong>Manual: nobody will move it.</strong> No autopilot rollout is active for this optimization
        {live ? "; the guard still rolls it back if a rule reaches its boundary." : "."}
      </p>
    );
  }
  const s = settings(autopilot?.config ?? null);
  const next = nextOf(r.step, s.percents);
  const condition =
    r.step === "shadow"
      ? `after at least ${formatSeconds(s.minStep)} in shadow and ${s.shadowRuns} shadow runs with identical results`
      : r.step === "on"
        ? "it stays on; it is watched for harm and rolled back if a harmful alert fires"
        : `when the live analysis finds it credibly better (promotion test) after at least ${formatSeconds(s.minStep)} at this step; credibly worse rolls it back; inconclusive after ${formatSeconds(s.maxStep)} aborts`;
  return (
    <p className={styles.next} data-testid="next-step">
      <strong>
        Autopilot{autopilot?.paused ? " (paused)" : ""}: at {humanize(r.step)} since {formatDateTime(r.stepSince)}
      </strong>
      {r.step !== "on" && <> → {humanize(next)} </>}
      {condition}.{" "}
      {r.lastDecision && (
        <span className="muted">
          Last decision: {humanize(r.lastDecision.action)} — {r.lastDecision.reason} ({formatDateTime(new Date(r.lastDecision.at))}).
        </span>
      )}
    </p>
  );
}
