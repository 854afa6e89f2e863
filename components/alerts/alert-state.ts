import { formatSeconds } from "@/lib/format";
import type { Alert } from "@/lib/client/api-types";

/** What a row shows: the server's state, with `acknowledged` for a firing alert under an unexpired acknowledgement. */
export type AlertDisplayState = "pending" | "firing" | "acknowledged" | "resolved" | "discarded";

export function isAcknowledged(a: Alert, now: number): boolean {
  return a.acknowledgedAt !== null && (a.ackExpiresAt === null || Date.parse(a.ackExpiresAt) > now);
}

export function displayState(a: Alert, now: number): AlertDisplayState {
  return a.state === "firing" && isAcknowledged(a, now) ? "acknowledged" : a.state;
}

/** When the alert entered its current state. */
export function stateSince(a: Alert): string {
  if (a.state === "resolved") return a.resolvedAt ?? a.lastSeenAt;
  if (a.state === "firing") return a.firingAt ?? a.startedAt;
  return a.startedAt;
}

/** `3m 05s ago` / `in 1h 00m` relative to `now`. */
export function formatRelative(iso: string | null, now: number): string {
  if (!iso) return "—";
  const s = (now - Date.parse(iso)) / 1000;
  if (!Number.isFinite(s)) return "—";
  return s >= 0 ? `${formatSeconds(s)} ago` : `in ${formatSeconds(-s)}`;
}

/**
 * `3m 05s ago` for something that has happened; "just now" when the page's clock (refreshed every
 * few seconds) has not caught up with it yet, never "in 5 s".
 */
export function formatAgo(iso: string | null, now: number): string {
  if (!iso) return "—";
  const s = (now - Date.parse(iso)) / 1000;
  if (!Number.isFinite(s)) return "—";
  return s < 1 ? "just now" : `${formatSeconds(s)} ago`;
}

export const ruleLabel = (rule: string | null) => (rule === null ? "every rule" : rule.replace(/_/g, " "));
