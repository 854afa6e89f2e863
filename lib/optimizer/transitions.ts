import type { OptimizationState, StateChange } from "./types";

/**
 * Validates a requested state change. Any state may go `off` or be rolled back; `canary`
 * needs a percentage in (0, 100); a rollback needs a reason (it is shown in the "why" panel).
 * Returns an error message, or null when the change is allowed.
 */
export function checkTransition(current: OptimizationState, change: StateChange): string | null {
  if (change.state === "canary") {
    const p = change.percent;
    if (p === undefined || !(p > 0 && p < 100)) return "canary needs a percent strictly between 0 and 100";
  } else if (change.percent !== undefined && change.percent !== percentOf(change.state)) {
    return `percent applies to canary only (state ${change.state} implies ${percentOf(change.state)}%)`;
  }
  if (change.state === "rolled_back" && !change.reason) return "a rollback needs a reason";
  if (change.state === current.state && (change.state !== "canary" || change.percent === current.percent)) {
    return `already ${current.state}${current.state === "canary" ? ` at ${current.percent}%` : ""}`;
  }
  return null;
}

/** The share of calls that use the optimization in a given state (canary: its own percent). */
export function percentOf(state: StateChange["state"], canaryPercent = 0): number {
  return state === "on" ? 100 : state === "canary" ? canaryPercent : 0;
}
