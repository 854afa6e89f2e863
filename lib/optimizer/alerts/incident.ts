/**
 * Incidents, pure: something that already happened and is over when it is reported — a database
 * outage that an instance saw, reported once the database is back because it could not be stored
 * before. Not a monitor finding: no pending period (it held for `to - from` already) and nothing to
 * evaluate again.
 *
 * Decisions:
 * - The alert fires at once: startedAt and firingAt = the incident's start, clearedAt = its end.
 *   The monitor's lifecycle then resolves it `resolveAfterSeconds` after the end, as any cleared
 *   alert; meanwhile it is in the open list, to be seen and acknowledged.
 * - Every instance watches the database, so several report the same outage. A report whose
 *   window overlaps an episode already on the fingerprint's alert (within EPISODE_SLACK_MS) is
 *   that outage again: nothing changes, nothing notifies. Two instances' windows of one outage
 *   overlap: each starts within a ping interval after the outage began and ends within one after
 *   it ended, and an outage both see lasts longer than an interval (two failed pings in a row).
 * - A new episode while the fingerprint's alert is open, or resolved within the re-open
 *   cool-down, joins that alert (re-opened: reopenCount + 1 if it had resolved) and does not toast
 *   again — the lifecycle's rule for a flapping condition.
 * - Otherwise a new alert, toasted unless a silence matches.
 */
import { fingerprintOf, type Severity } from "../monitor/types";
import { silenceMatches, type Transition } from "./lifecycle";
import type { Alert, IncidentEpisode, IncidentEvidence, LifecycleConfig, Silence } from "./types";

/** One incident as reported: what, how bad, when (ms since the epoch) and who saw it. */
export interface Incident {
  operation: string;
  variant: string;
  rule: string;
  severity: Severity;
  summary: string;
  from: number;
  to: number;
  /** The instance that saw it. */
  instance: string;
}

/**
 * Two reports whose windows miss each other by less than this are still one outage: the clocks
 * of two hosts differ (NTP keeps them within tens of ms). It must stay below the watch's ping
 * interval (2 s): one instance's consecutive outages are at least one interval apart (a good ping
 * between them), and must not merge.
 */
export const EPISODE_SLACK_MS = 250;

/** Episodes kept on one alert (the dedupe record); older ones are dropped. */
export const MAX_EPISODES = 20;

/** What recording an incident does. `duplicate`: another report already put this episode on `alert`. */
export type IncidentStep = { kind: "duplicate"; alert: Alert } | { kind: "new" | "joined"; alert: Alert; transition: Transition; notify: boolean };

/** Whether an incident's fields make sense; the reason when not. */
export function invalidIncident(i: Incident): string | null {
  if (!Number.isFinite(i.from) || !Number.isFinite(i.to)) return "from and to must be times (ms since the epoch)";
  if (i.to < i.from) return "an incident cannot end before it starts";
  for (const k of ["operation", "variant", "rule", "summary", "instance"] as const) if (typeof i[k] !== "string" || i[k] === "") return `${k} is required`;
  if (i.severity !== "warning" && i.severity !== "critical") return "severity must be warning or critical";
  return null;
}

/** The episodes an alert carries (none for a monitor finding's alert). */
export function episodesOf(a: Alert): IncidentEpisode[] {
  const e = (a.evidence as Partial<IncidentEvidence>).episodes;
  return Array.isArray(e) ? e.filter((x) => typeof x?.from === "string" && typeof x.to === "string") : [];
}

function overlaps(e: IncidentEpisode, i: Incident): boolean {
  return Date.parse(e.from) <= i.to + EPISODE_SLACK_MS && i.from <= Date.parse(e.to) + EPISODE_SLACK_MS;
}

/**
 * The time span `known` must cover for `stepIncident`: alerts resolved since then are the ones
 * an incident may be a duplicate of or re-open.
 */
export function incidentLookback(i: Incident, now: number, cfg: LifecycleConfig): number {
  return Math.min(i.from - EPISODE_SLACK_MS, now - cfg.reopenWithinSeconds * 1000);
}

/**
 * Records one incident against the known alerts (open ones, plus per fingerprint the latest
 * resolved since `incidentLookback`). Pure; see the file comment for the decisions.
 */
export function stepIncident(
  known: readonly Alert[],
  i: Incident,
  silences: readonly Silence[],
  now: number,
  cfg: LifecycleConfig,
  newId: () => string,
): IncidentStep {
  const fingerprint = fingerprintOf(i.operation, i.variant, i.rule);
  const mine = known.filter((a) => a.fingerprint === fingerprint);
  const seen = mine.find((a) => episodesOf(a).some((e) => overlaps(e, i)));
  if (seen) return { kind: "duplicate", alert: seen };

  const episode: IncidentEpisode = { from: new Date(i.from).toISOString(), to: new Date(i.to).toISOString(), instance: i.instance };
  const seconds = Math.round((i.to - i.from) / 100) / 10;
  const open = mine.find((a) => a.state !== "resolved");
  const reopenable = mine
    .filter((a) => a.state === "resolved" && a.resolvedAt !== null && now - a.resolvedAt <= cfg.reopenWithinSeconds * 1000)
    .sort((a, b) => (b.resolvedAt ?? 0) - (a.resolvedAt ?? 0))[0];
  const base = open ?? reopenable;

  if (base) {
    const resolved = base.state === "resolved";
    const evidence: IncidentEvidence = { ...episode, seconds, episodes: [...episodesOf(base), episode].slice(-MAX_EPISODES) };
    const alert: Alert = {
      ...base,
      severity: i.severity,
      state: "firing",
      summary: i.summary,
      evidence,
      // A re-opened alert starts a new episode (as the lifecycle's re-open does); an open one keeps its start.
      startedAt: resolved ? i.from : Math.min(base.startedAt, i.from),
      firingAt: resolved ? i.from : (base.firingAt ?? i.from),
      lastSeenAt: Math.max(base.lastSeenAt, i.to),
      clearedAt: Math.max(base.clearedAt ?? i.to, i.to),
      resolvedAt: null,
      reopenCount: base.reopenCount + (resolved ? 1 : 0),
    };
    return { kind: "joined", alert, transition: { alert, from: base.state, to: "firing", reopened: true }, notify: false };
  }

  const silenced = silences.some((s) => silenceMatches(s, i, now));
  const alert: Alert = {
    id: newId(),
    fingerprint,
    operation: i.operation,
    variant: i.variant,
    rule: i.rule,
    severity: i.severity,
    state: "firing",
    summary: i.summary,
    evidence: { ...episode, seconds, episodes: [episode] },
    startedAt: i.from,
    firingAt: i.from,
    lastSeenAt: i.to,
    clearedAt: i.to,
    resolvedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    ackNote: null,
    ackExpiresAt: null,
    notifiedAt: silenced ? null : now,
    reopenCount: 0,
  };
  return { kind: "new", alert, transition: { alert, from: "new", to: "firing", reopened: false }, notify: !silenced };
}
