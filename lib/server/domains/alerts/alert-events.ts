/**
 * Alerts on the wire: the payload of `alert:changed` / `alert:notify` and the API, and the bridge
 * from the alert manager's events to the broadcaster (room `alerts`).
 */
import type { AlertEvent } from "../../../optimizer/alerts/manager";
import type { Alert } from "../../../optimizer/alerts/types";
import type { AlertPayload, Broadcaster } from "../../../realtime/events";

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** The wire form of an alert (ISO times). */
export function toAlertPayload(a: Alert, discarded = false): AlertPayload {
  return {
    id: a.id,
    fingerprint: a.fingerprint,
    operation: a.operation,
    variant: a.variant,
    rule: a.rule,
    severity: a.severity,
    state: discarded ? "discarded" : a.state,
    summary: a.summary,
    evidence: a.evidence,
    startedAt: new Date(a.startedAt).toISOString(),
    firingAt: iso(a.firingAt),
    lastSeenAt: new Date(a.lastSeenAt).toISOString(),
    clearedAt: iso(a.clearedAt),
    resolvedAt: iso(a.resolvedAt),
    acknowledgedAt: iso(a.acknowledgedAt),
    acknowledgedBy: a.acknowledgedBy,
    ackNote: a.ackNote,
    ackExpiresAt: iso(a.ackExpiresAt),
    notifiedAt: iso(a.notifiedAt),
    reopenCount: a.reopenCount,
  };
}

/** Publishes the alert manager's events to the `alerts` room. */
export function alertBroadcast(broadcaster: Broadcaster): (e: AlertEvent) => void {
  return (e) => {
    if (e.type === "notify") broadcaster.publish("alert:notify", toAlertPayload(e.alert), "alerts");
    else broadcaster.publish("alert:changed", toAlertPayload(e.alert, e.discarded === true), "alerts");
  };
}
