/**
 * Database outages out loud: while the database is down every browser of this instance hears it
 * (`system:database`, the banner); once it is back the outage becomes a critical alert ("database
 * unavailable for N s"), stored and toasted everywhere.
 *
 * Decisions:
 * - `publishLocal` for the state: the Socket.IO adapter carries events between instances over
 *   Postgres, so during an outage only this instance's browsers can be told — by this instance.
 * - The alert is recorded `settleMs` (5 s) after recovery, not at once: the other instances'
 *   adapters re-LISTEN 1–3 s after the database returns (@socket.io/postgres-adapter reconnects
 *   after 1–3 s), and a toast published before that would miss their browsers.
 * - Every instance reports what it saw; the alert manager keeps one alert per outage (overlapping
 *   windows are the same outage). A report that fails (the database went again) stays queued
 *   and is retried every `retryMs` while the database is up, and after the next recovery.
 */
import { DATABASE_OPERATION } from "../../../optimizer/alerts/types";
import type { AlertManager, IncidentOutcome } from "../../../optimizer/alerts/manager";
import type { Incident } from "../../../optimizer/alerts/incident";
import { ALL_VARIANTS } from "../../../optimizer/monitor/types";
import type { Broadcaster } from "../../../realtime/events";
import { databaseStatus, type DatabaseWatch, type Outage } from "../../platform/db/database-watch";

/** `31 s`, `2.4 s`: whole seconds from 10 s on. */
function seconds(ms: number): string {
  const s = ms / 1000;
  return `${s >= 10 ? Math.round(s) : Math.round(s * 10) / 10} s`;
}

/** An outage as the incident the alert manager records. */
export function databaseIncident(o: Outage, instance: string): Incident {
  return {
    operation: DATABASE_OPERATION,
    variant: ALL_VARIANTS,
    rule: "database_unavailable",
    severity: "critical",
    summary: `database unavailable for ${seconds(o.to - o.from)}`,
    from: o.from,
    to: o.to,
    instance,
  };
}

export interface OutageReporterLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface OutageReporter {
  /** Outages seen but not yet stored. */
  pending(): number;
  /** Records the queued outages now if the database is up (tests; the timers do it otherwise). */
  flush(): Promise<void>;
  stop(): void;
}

/** Outages kept for retry; beyond that the oldest are dropped (logged): a flapping database for hours. */
const MAX_QUEUED = 50;

export function reportDatabaseOutages(deps: {
  watch: DatabaseWatch;
  alerts: Pick<AlertManager, "recordIncident">;
  broadcaster: Broadcaster;
  instanceId: string;
  log: OutageReporterLog;
  settleMs?: number;
  retryMs?: number;
}): OutageReporter {
  const { watch, alerts, broadcaster, instanceId, log } = deps;
  const settleMs = deps.settleMs ?? 5_000;
  const retryMs = deps.retryMs ?? 5_000;
  const queue: Outage[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;

  const schedule = (ms: number) => {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void flush();
    }, ms);
    timer.unref();
  };

  async function recordQueued(): Promise<void> {
    while (queue.length > 0 && !stopped) {
      // Down again: the next recovery schedules the retry.
      if (!watch.state().up) return;
      const outage = queue[0]!;
      let r: IncidentOutcome;
      try {
        r = await alerts.recordIncident(databaseIncident(outage, instanceId));
      } catch (err) {
        log.warn({ err, from: new Date(outage.from).toISOString(), queued: queue.length }, "could not store the database outage alert; retrying");
        schedule(retryMs);
        return;
      }
      queue.shift();
      log.info({ outcome: r.outcome, alert: r.alert.id, summary: r.alert.summary }, "database outage recorded");
    }
  }

  function flush(): Promise<void> {
    running ??= recordQueued().finally(() => (running = null));
    return running;
  }

  const off = watch.onChange((state, ended) => {
    (broadcaster.publishLocal ?? broadcaster.publish)("system:database", databaseStatus(state));
    if (!ended) return;
    queue.push(ended);
    if (queue.length > MAX_QUEUED)
      log.warn({ dropped: queue.splice(0, queue.length - MAX_QUEUED).length }, "too many unstored database outages: oldest dropped");
    schedule(settleMs);
  });

  return {
    pending: () => queue.length,
    flush,
    stop() {
      stopped = true;
      off();
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
