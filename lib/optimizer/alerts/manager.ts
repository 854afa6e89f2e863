/**
 * Alerting as a service: runs the lifecycle over the store, audits every change, and emits the
 * live events (changed, notify) after the change is committed.
 */
import { AppError } from "../../errors";
import type { Clock } from "../monitor/clock";
import type { Finding } from "../monitor/types";
import type { Actor } from "../types";
import { incidentLookback, invalidIncident, stepIncident, type Incident } from "./incident";
import { acknowledgeAlert, resolveAlertManually, stepAlerts, type Transition } from "./lifecycle";
import type { AlertStore } from "./store";
import { MONITOR_ACTOR, type Alert, type LifecycleConfig, type Silence } from "./types";

/**
 * What the manager emits; the host maps it to the broadcaster (`alert:changed`, `alert:notify`).
 * `discarded`: a pending alert whose condition cleared before it fired; lists drop it.
 */
export type AlertEvent = { type: "changed"; alert: Alert; discarded?: boolean } | { type: "notify"; alert: Alert };

/** What one evaluation did (a type alias, so job handlers can return it as a JSON summary). */
export type ProcessSummary = {
  findings: number;
  opened: number;
  firing: number;
  resolved: number;
  discarded: number;
  notified: number;
};

/** What recording an incident did, and the alert it is on. */
export type IncidentOutcome = { outcome: "new" | "joined" | "duplicate"; alert: Alert; notified: boolean };

const ACTIONS: Record<string, string> = { firing: "alert.firing", resolved: "alert.resolved", pending: "alert.pending" };

function auditAction(t: Transition): string | null {
  if (t.to === "discarded") return null; // a pending blip was never an alert; not worth an audit row
  if (t.to === "pending") return t.reopened ? "alert.reopened" : null;
  return ACTIONS[t.to] ?? null;
}

/** The alert manager: one per process; every method is safe to call concurrently. */
export class AlertManager {
  constructor(
    private readonly deps: {
      store: AlertStore;
      clock: Clock;
      /** Read on every call, so a changed configuration applies at the next evaluation. */
      config: () => LifecycleConfig;
      emit?: (e: AlertEvent) => void;
      newId?: () => string;
    },
  ) {}

  private newId(): string {
    return this.deps.newId?.() ?? crypto.randomUUID();
  }

  private emit(events: AlertEvent[]): void {
    for (const e of events) this.deps.emit?.(e);
  }

  /** Feeds one evaluation's findings through the lifecycle (called every minute by the monitor job). */
  async process(findings: readonly Finding[]): Promise<ProcessSummary> {
    const cfg = this.deps.config();
    const now = this.deps.clock.now();
    const { step, open } = await this.deps.store.transaction(async (tx) => {
      const known = await tx.known(now - cfg.reopenWithinSeconds * 1000);
      const silences = await tx.activeSilences(now);
      const s = stepAlerts(known, findings, silences, now, cfg, () => this.newId());
      await tx.save(s.upsert);
      await tx.remove(s.discard.map((a) => a.id));
      for (const t of s.transitions) {
        const action = auditAction(t);
        if (!action) continue;
        await tx.audit({
          actor: MONITOR_ACTOR,
          action,
          subjectType: "alert",
          subjectId: t.alert.id,
          before: { state: t.from },
          after: { state: t.to, fingerprint: t.alert.fingerprint, reopenCount: t.alert.reopenCount },
          reason: t.alert.summary,
          evidence: t.alert.evidence,
        });
      }
      const after = new Map(known.map((a) => [a.id, a]));
      for (const a of s.upsert) after.set(a.id, a);
      for (const a of s.discard) after.delete(a.id);
      return { step: s, open: [...after.values()] };
    });
    const events: AlertEvent[] = step.transitions.map((t) =>
      t.to === "discarded" ? { type: "changed", alert: t.alert, discarded: true } : { type: "changed", alert: t.alert },
    );
    for (const a of step.notify) {
      if (!step.transitions.some((t) => t.alert.id === a.id)) events.push({ type: "changed", alert: a });
      events.push({ type: "notify", alert: a });
    }
    this.emit(events);
    return {
      findings: findings.length,
      opened: step.transitions.filter((t) => t.from === "new").length,
      firing: open.filter((a) => a.state === "firing").length,
      resolved: step.transitions.filter((t) => t.to === "resolved").length,
      discarded: step.discard.length,
      notified: step.notify.length,
    };
  }

  /**
   * Records an incident that is over (a database outage reported after recovery): a firing alert
   * with its audit row, toasted when new; the same episode reported again (by another instance)
   * changes nothing. See lib/optimizer/alerts/incident.ts for the rules.
   */
  async recordIncident(incident: Incident): Promise<IncidentOutcome> {
    const invalid = invalidIncident(incident);
    if (invalid) throw new AppError("validation_failed", `invalid incident: ${invalid}`);
    const cfg = this.deps.config();
    const now = this.deps.clock.now();
    const step = await this.deps.store.transaction(async (tx) => {
      const known = await tx.known(incidentLookback(incident, now, cfg));
      const s = stepIncident(known, incident, await tx.activeSilences(now), now, cfg, () => this.newId());
      if (s.kind === "duplicate") return s;
      await tx.save([s.alert]);
      await tx.audit({
        actor: MONITOR_ACTOR,
        action: s.kind === "new" ? "alert.firing" : s.transition.from === "resolved" ? "alert.reopened" : "alert.recurred",
        subjectType: "alert",
        subjectId: s.alert.id,
        before: { state: s.transition.from },
        after: { state: s.alert.state, fingerprint: s.alert.fingerprint, reopenCount: s.alert.reopenCount },
        reason: s.alert.summary,
        evidence: s.alert.evidence,
      });
      return s;
    });
    if (step.kind === "duplicate") return { outcome: "duplicate", alert: step.alert, notified: false };
    const events: AlertEvent[] = [{ type: "changed", alert: step.alert }];
    if (step.notify) events.push({ type: "notify", alert: step.alert });
    this.emit(events);
    return { outcome: step.kind, alert: step.alert, notified: step.notify };
  }

  private async change(id: string, actor: Actor, action: string, apply: (a: Alert, now: number) => Alert | string, reason: string | null): Promise<Alert> {
    const now = this.deps.clock.now();
    const after = await this.deps.store.transaction(async (tx) => {
      const before = await tx.get(id);
      if (!before) throw new AppError("not_found", `unknown alert ${id}`);
      const next = apply(before, now);
      if (typeof next === "string") throw new AppError("conflict", next);
      await tx.save([next]);
      await tx.audit({
        actor,
        action,
        subjectType: "alert",
        subjectId: id,
        before: { state: before.state },
        after: { state: next.state, ackExpiresAt: next.ackExpiresAt },
        reason,
      });
      return next;
    });
    this.emit([{ type: "changed", alert: after }]);
    return after;
  }

  /** Acknowledges an open alert: no more toasts until `expiresAt` (or until it resolves). */
  acknowledge(id: string, ack: { note: string; expiresAt?: number | null }, actor: Actor): Promise<Alert> {
    return this.change(
      id,
      actor,
      "alert.acknowledged",
      (a, now) => acknowledgeAlert(a, { by: actor.name, note: ack.note, expiresAt: ack.expiresAt ?? null }, now),
      ack.note,
    );
  }

  /** Resolves an open alert by hand (it re-opens and toasts if the condition is still there). */
  resolve(id: string, actor: Actor, reason?: string): Promise<Alert> {
    return this.change(id, actor, "alert.resolved_manually", (a, now) => resolveAlertManually(a, now), reason ?? null);
  }

  /**
   * Resolves the open alerts that `gone` says are about something that no longer exists (e.g. a
   * variant that serves no calls since its optimization was rolled back), with that reason.
   * Audited as the monitor; returns the alerts it resolved.
   */
  async resolveGone(gone: (a: Alert) => string | null): Promise<Alert[]> {
    const now = this.deps.clock.now();
    const resolved = await this.deps.store.transaction(async (tx) => {
      const out: Alert[] = [];
      for (const a of await tx.known(now)) {
        if (a.state === "resolved") continue;
        const reason = gone(a);
        if (reason === null) continue;
        const next = resolveAlertManually(a, now);
        if (typeof next === "string") continue;
        await tx.save([next]);
        await tx.audit({
          actor: MONITOR_ACTOR,
          action: "alert.resolved_gone",
          subjectType: "alert",
          subjectId: a.id,
          before: { state: a.state },
          after: { state: next.state },
          reason,
        });
        out.push(next);
      }
      return out;
    });
    this.emit(resolved.map((a) => ({ type: "changed", alert: a })));
    return resolved;
  }

  /** Silences alerts of an operation and/or rule for a time window. */
  async silence(
    input: { operation?: string | null; rule?: string | null; startsAt?: number; endsAt: number; comment?: string | null },
    actor: Actor,
  ): Promise<Silence> {
    const now = this.deps.clock.now();
    const s: Silence = {
      id: this.newId(),
      operation: input.operation ?? null,
      rule: input.rule ?? null,
      startsAt: input.startsAt ?? now,
      endsAt: input.endsAt,
      createdBy: actor.name,
      comment: input.comment ?? null,
      createdAt: now,
    };
    if (!(s.endsAt > s.startsAt) || !(s.endsAt > now)) throw new AppError("validation_failed", "a silence must end in the future and after it starts");
    await this.deps.store.transaction(async (tx) => {
      await tx.addSilence(s);
      await tx.audit({ actor, action: "silence.created", subjectType: "silence", subjectId: s.id, after: s, reason: s.comment });
    });
    return s;
  }

  /** Deletes a silence (matching alerts may notify at the next evaluation). */
  async unsilence(id: string, actor: Actor): Promise<Silence> {
    return this.deps.store.transaction(async (tx) => {
      const s = await tx.getSilence(id);
      if (!s) throw new AppError("not_found", `unknown silence ${id}`);
      await tx.removeSilence(id);
      await tx.audit({ actor, action: "silence.deleted", subjectType: "silence", subjectId: id, before: s });
      return s;
    });
  }
}
