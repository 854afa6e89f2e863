import type { AuditEvent, Optimization, StoredAnalysis } from "@/lib/client/api-types";
import type { OptimizationStateName } from "@/lib/optimizer/types";

/** A rollout step: the state (and share of calls) it stands for. */
export interface Step {
  key: string;
  label: string;
  state: OptimizationStateName;
  percent: number;
}

/** The path the autopilot takes and an engineer is expected to follow (autopilot config defaults). */
export const STEPS: Step[] = [
  { key: "shadow", label: "shadow", state: "shadow", percent: 0 },
  { key: "canary_5", label: "5%", state: "canary", percent: 5 },
  { key: "canary_25", label: "25%", state: "canary", percent: 25 },
  { key: "canary_50", label: "50%", state: "canary", percent: 50 },
  { key: "on", label: "100%", state: "on", percent: 100 },
];

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);

export function matches(step: Step, state: unknown, percent: unknown): boolean {
  if (state !== step.state) return false;
  return step.state !== "canary" || percent === step.percent;
}

/** Index of the step the optimization is at: −1 before shadow (off, rolled back), or a canary between steps (fractional). */
export function currentIndex(o: Pick<Optimization, "state" | "percent">): number {
  if (o.state === "shadow") return 0;
  if (o.state === "on") return STEPS.length - 1;
  if (o.state !== "canary") return -1;
  const exact = STEPS.findIndex((s) => matches(s, o.state, o.percent));
  if (exact >= 0) return exact;
  const above = STEPS.findIndex((s) => s.state === "canary" && s.percent > o.percent);
  return above < 0 ? STEPS.length - 1.5 : above - 0.5;
}

/** The step after the current one (from off or rolled back: shadow). */
export function nextStep(o: Pick<Optimization, "state" | "percent">): Step | null {
  const i = currentIndex(o);
  return STEPS[Math.floor(i) + 1] ?? null;
}

/** The newest analysis of a step (analyses are per phase; a step may have been visited twice). */
export function analysisOf(step: Step, analyses: StoredAnalysis[]): StoredAnalysis | null {
  return analyses.filter((a) => matches(step, a.state, a.percent)).sort((a, b) => b.phase - a.phase)[0] ?? null;
}

/** The newest audit event that moved the optimization into this step. */
export function arrivalOf(step: Step, events: AuditEvent[]): AuditEvent | null {
  return events.filter((e) => isRec(e.after) && matches(step, e.after.state, e.after.percent)).sort((a, b) => Date.parse(b.at) - Date.parse(a.at))[0] ?? null;
}

/**
 * What the timeline says of one step. Before the current step: `done` when the record shows the
 * optimization there (an audit event moving it in, or an analysis of that phase), `skipped` when
 * the complete record shows neither (e.g. moved from off straight to 25%), `unrecorded` when the
 * record is cut (only the newest audit events were fetched) and holds neither. After it: `visited`
 * (an earlier rollout reached it) or `pending`.
 */
export type StepStatus = "done" | "skipped" | "unrecorded" | "current" | "visited" | "pending";

export function stepStatus(
  index: number,
  current: number,
  evidence: { arrival: AuditEvent | null; analysis: StoredAnalysis | null },
  recordComplete: boolean,
): StepStatus {
  if (index === current) return "current";
  if (index < current) return evidence.arrival || evidence.analysis ? "done" : recordComplete ? "skipped" : "unrecorded";
  return evidence.arrival ? "visited" : "pending";
}

/** One line of an event's evidence: its summary, or its first few values. */
export function evidenceSummary(evidence: unknown, humanize: (k: string) => string): string | null {
  if (!isRec(evidence)) return null;
  if (typeof evidence.summary === "string") return evidence.summary;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(evidence)) {
    if (typeof v === "number") parts.push(`${humanize(k)} ${Number.isInteger(v) ? v : v.toPrecision(3)}`);
    else if (typeof v === "string" && v.length < 60) parts.push(`${humanize(k)}: ${v}`);
    else if (isRec(v) && typeof v.summary === "string") parts.push(v.summary);
    if (parts.length >= 3) break;
  }
  return parts.length ? parts.join(" · ") : null;
}
