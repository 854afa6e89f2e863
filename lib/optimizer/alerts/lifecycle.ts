/**
 * The alert state machine, pure: given the known alerts, this evaluation's findings, the active
 * silences and the time, what changes, what is discarded and what notifies.
 *
 * Decisions:
 * - pending → firing only after the condition held `forSeconds` (consecutive evaluations); a
 *   pending alert whose condition clears before that is discarded (it was never an alert).
 * - firing → resolved only after the condition stayed clear `resolveAfterSeconds`: hysteresis,
 *   so a condition flapping around its threshold stays ONE firing alert.
 * - A fingerprint that fires again within `reopenWithinSeconds` of resolving RE-OPENS the same
 *   alert (reopenCount + 1) instead of creating a new one, and does not toast again: the user
 *   was told about this problem minutes ago, and the list shows it firing again. It keeps its
 *   acknowledgement if that has not expired. After the cool-down a new alert is created.
 * - Notify ("toast") = once per alert, when it fires, unless silenced or acknowledged. Again
 *   only when an acknowledgement expires while it still fires, or after a manual resolve (the
 *   human said it was fixed and it was not). Silenced alerts never notified are notified when
 *   the silence ends and they still fire.
 */
import type { Finding } from "../monitor/types";
import type { Alert, AlertState, LifecycleConfig, Silence } from "./types";

export type Transition = { alert: Alert; from: AlertState | "new"; to: AlertState | "discarded"; reopened: boolean };

export interface LifecycleStep {
  /** New or changed alerts to store. */
  upsert: Alert[];
  /** Pending alerts whose condition cleared before they fired. */
  discard: Alert[];
  /** Alerts to toast now (their notifiedAt is already set to now in `upsert`). */
  notify: Alert[];
  /** State changes, for the audit log and live updates. */
  transitions: Transition[];
}

/** Whether a silence mutes an alert at `now`. */
export function silenceMatches(s: Silence, a: Pick<Alert, "operation" | "rule">, now: number): boolean {
  return s.startsAt <= now && now < s.endsAt && (s.operation === null || s.operation === a.operation) && (s.rule === null || s.rule === a.rule);
}

/** Whether an acknowledgement is in force at `now`. */
export function isAcknowledged(a: Alert, now: number): boolean {
  return a.acknowledgedAt !== null && (a.ackExpiresAt === null || a.ackExpiresAt > now);
}

/** Whether a firing alert should toast now (see the file comment). */
export function shouldNotify(a: Alert, now: number, silences: readonly Silence[]): boolean {
  if (a.state !== "firing" || a.clearedAt !== null) return false;
  if (isAcknowledged(a, now) || silences.some((s) => silenceMatches(s, a, now))) return false;
  if (a.notifiedAt === null) return true;
  return a.ackExpiresAt !== null && a.ackExpiresAt <= now && a.notifiedAt < a.ackExpiresAt;
}

function fromFinding(f: Finding) {
  return { severity: f.severity, summary: f.summary, evidence: f.evidence };
}

/**
 * One lifecycle step. `known` = the open (pending, firing) alerts plus, per fingerprint, the
 * latest alert resolved within the re-open cool-down.
 */
/**
 * How much earlier than its nominal interval an evaluation may come and still count as that
 * interval later: scheduled evaluations start a little late or early (a job slot, then a query),
 * so a condition seen at two evaluations a minute apart may have been seen 59.8 s apart. Without
 * it, `forSeconds: 60` would often take a third evaluation.
 */
export const EVALUATION_JITTER_MS = 2_000;

export function stepAlerts(
  known: readonly Alert[],
  findings: readonly Finding[],
  silences: readonly Silence[],
  now: number,
  cfg: LifecycleConfig,
  newId: () => string,
): LifecycleStep {
  const forMs = cfg.forSeconds * 1000;
  const open = new Map<string, Alert>();
  const recentlyResolved = new Map<string, Alert>();
  for (const a of known) {
    if (a.state !== "resolved") open.set(a.fingerprint, a);
    else if (a.resolvedAt !== null && now - a.resolvedAt <= cfg.reopenWithinSeconds * 1000) {
      const prev = recentlyResolved.get(a.fingerprint);
      if (!prev || (prev.resolvedAt ?? 0) < a.resolvedAt) recentlyResolved.set(a.fingerprint, a);
    }
  }
  const step: LifecycleStep = { upsert: [], discard: [], notify: [], transitions: [] };
  const seen = new Set<string>();

  for (const f of findings) {
    if (seen.has(f.fingerprint)) continue;
    seen.add(f.fingerprint);
    const a = open.get(f.fingerprint);
    if (a) {
      const next: Alert = { ...a, ...fromFinding(f), lastSeenAt: now, clearedAt: null };
      if (a.state === "pending" && now - a.startedAt >= forMs - EVALUATION_JITTER_MS) {
        next.state = "firing";
        next.firingAt = now;
        step.transitions.push({ alert: next, from: "pending", to: "firing", reopened: a.reopenCount > 0 });
      }
      step.upsert.push(next);
      continue;
    }
    const r = recentlyResolved.get(f.fingerprint);
    const state: AlertState = forMs === 0 ? "firing" : "pending";
    const base = r
      ? { ...r, reopenCount: r.reopenCount + 1, resolvedAt: null }
      : {
          id: newId(),
          fingerprint: f.fingerprint,
          operation: f.operation,
          variant: f.variant,
          rule: f.rule,
          firingAt: null,
          resolvedAt: null,
          acknowledgedAt: null,
          acknowledgedBy: null,
          ackNote: null,
          ackExpiresAt: null,
          notifiedAt: null,
          reopenCount: 0,
        };
    const next: Alert = {
      ...base,
      ...fromFinding(f),
      state,
      startedAt: now,
      lastSeenAt: now,
      clearedAt: null,
      firingAt: state === "firing" ? now : base.firingAt,
    };
    step.upsert.push(next);
    step.transitions.push({ alert: next, from: r ? "resolved" : "new", to: state, reopened: r !== undefined });
  }

  for (const a of open.values()) {
    if (seen.has(a.fingerprint)) continue;
    if (a.state === "pending") {
      if (a.reopenCount === 0 && a.firingAt === null) {
        step.discard.push(a);
        step.transitions.push({ alert: a, from: "pending", to: "discarded", reopened: false });
      } else {
        // A re-opened alert that did not re-fire goes back to resolved.
        const next: Alert = { ...a, state: "resolved", clearedAt: a.clearedAt ?? now, resolvedAt: now };
        step.upsert.push(next);
        step.transitions.push({ alert: next, from: "pending", to: "resolved", reopened: true });
      }
      continue;
    }
    const clearedAt = a.clearedAt ?? now;
    if (now - clearedAt >= cfg.resolveAfterSeconds * 1000 - EVALUATION_JITTER_MS) {
      const next: Alert = { ...a, state: "resolved", clearedAt, resolvedAt: now };
      step.upsert.push(next);
      step.transitions.push({ alert: next, from: "firing", to: "resolved", reopened: false });
    } else if (a.clearedAt === null) {
      step.upsert.push({ ...a, clearedAt });
    }
  }

  // Notifications: changed alerts and unchanged firing ones (an ack may have expired, a silence ended).
  const current = new Map<string, Alert>();
  for (const a of open.values()) current.set(a.id, a);
  for (const a of step.upsert) current.set(a.id, a);
  for (const a of current.values()) {
    if (!shouldNotify(a, now, silences)) continue;
    const notified: Alert = { ...a, notifiedAt: now };
    const i = step.upsert.findIndex((u) => u.id === a.id);
    if (i >= 0) step.upsert[i] = notified;
    else step.upsert.push(notified);
    for (const t of step.transitions) if (t.alert.id === a.id) t.alert = notified;
    step.notify.push(notified);
  }
  return step;
}

/** Acknowledges an open alert with a note and an optional expiry; returns why not when not allowed. */
export function acknowledgeAlert(a: Alert, ack: { by: string; note: string; expiresAt: number | null }, now: number): Alert | string {
  if (a.state === "resolved") return "a resolved alert cannot be acknowledged";
  if (ack.expiresAt !== null && ack.expiresAt <= now) return "expiresAt must be in the future";
  return { ...a, acknowledgedAt: now, acknowledgedBy: ack.by, ackNote: ack.note, ackExpiresAt: ack.expiresAt };
}

/**
 * Resolves an open alert by hand (or returns why not). It ends any acknowledgement and forgets
 * the notification, so if the condition is still there the alert re-opens and toasts again.
 */
export function resolveAlertManually(a: Alert, now: number): Alert | string {
  if (a.state === "resolved") return "the alert is already resolved";
  const ackEnded = a.acknowledgedAt !== null ? Math.min(a.ackExpiresAt ?? now, now) : a.ackExpiresAt;
  return { ...a, state: "resolved", resolvedAt: now, clearedAt: a.clearedAt ?? now, notifiedAt: null, ackExpiresAt: ackEnded };
}
