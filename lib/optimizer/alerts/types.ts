/**
 * The vocabulary of alerting (SPEC §3 "Monitor"): alerts go pending → firing → resolved, are
 * de-duplicated per fingerprint (operation + variant + rule), can be acknowledged and silenced.
 */
import { MONITOR_RULES, type FindingEvidence, type Severity } from "../monitor/types";
import type { Actor } from "../types";

export const ALERT_STATES = ["pending", "firing", "resolved"] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** Rules of incidents reported to the manager directly, once over (`recordIncident`), not found by the monitor. */
export const INCIDENT_RULES = ["database_unavailable"] as const;
export type IncidentRule = (typeof INCIDENT_RULES)[number];

/** Every rule an alert can carry: the monitor's and the incidents'. */
export const ALERT_RULES = [...MONITOR_RULES, ...INCIDENT_RULES] as const;

/** Pseudo-operation of the database's incidents (like `process` for CPU and RSS findings). */
export const DATABASE_OPERATION = "database";

/** One episode of an incident as one instance saw it (ISO times). */
export interface IncidentEpisode {
  from: string;
  to: string;
  instance: string;
}

/**
 * Evidence of an incident alert: its latest episode (from, to, seconds, instance) and every
 * episode folded into the alert, newest last — what tells a second instance's report of the same
 * outage from a new outage.
 */
export interface IncidentEvidence extends IncidentEpisode {
  seconds: number;
  episodes: IncidentEpisode[];
}

/** One alert. Times are ms since the epoch (the clock port's unit). */
export interface Alert {
  id: string;
  fingerprint: string;
  operation: string;
  variant: string;
  rule: string;
  severity: Severity;
  state: AlertState;
  summary: string;
  /** The latest finding's evidence (values, thresholds, sample sizes, test, window), or an incident's. */
  evidence: FindingEvidence | IncidentEvidence;
  /** Start of the current episode (pending since). */
  startedAt: number;
  firingAt: number | null;
  lastSeenAt: number;
  /** When the condition was first seen clear in the current episode (null while it holds). */
  clearedAt: number | null;
  resolvedAt: number | null;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  ackNote: string | null;
  /** null with acknowledgedAt set: acknowledged until resolved. */
  ackExpiresAt: number | null;
  /** Last toast; null = never notified in this alert's life (or reset by a manual resolve). */
  notifiedAt: number | null;
  /** Times this alert re-fired within the cool-down after resolving (kept as one alert). */
  reopenCount: number;
}

/** Mutes notifications of matching alerts (still tracked) from startsAt to endsAt. */
export interface Silence {
  id: string;
  /** null = every operation. */
  operation: string | null;
  /** null = every rule. */
  rule: string | null;
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string | null;
  createdAt: number;
}

/** Timing of the lifecycle (part of the monitor configuration, `alerts`). */
export interface LifecycleConfig {
  forSeconds: number;
  resolveAfterSeconds: number;
  reopenWithinSeconds: number;
}

/** An audit event to write with a lifecycle change (same shape as the audit table's writer). */
export interface AlertAuditEntry {
  actor: Actor;
  action: string;
  subjectType: "alert" | "silence";
  subjectId: string;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
  evidence?: unknown;
}

/** Filters of the alert list and history. `open` = pending or firing. */
export interface AlertFilter {
  state?: AlertState | "open";
  operation?: string;
  rule?: string;
  /** Only alerts started before this time (paging through history). */
  before?: number;
  limit?: number;
}

/** The system actor of automatic alert changes. */
export const MONITOR_ACTOR: Actor = { name: "monitor", role: "system" };
