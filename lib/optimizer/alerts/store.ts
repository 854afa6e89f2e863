/**
 * The persistence port of alerting, and an in-memory implementation (tests, tools).
 */
import type { Alert, AlertAuditEntry, AlertFilter, Silence } from "./types";

/** Reads and writes inside one exclusive transaction. */
export interface AlertTx {
  /** Open alerts, plus per fingerprint the latest one resolved at or after `resolvedSince`. */
  known(resolvedSince: number): Promise<Alert[]>;
  get(id: string): Promise<Alert | null>;
  save(alerts: readonly Alert[]): Promise<void>;
  remove(ids: readonly string[]): Promise<void>;
  activeSilences(now: number): Promise<Silence[]>;
  getSilence(id: string): Promise<Silence | null>;
  addSilence(s: Silence): Promise<void>;
  removeSilence(id: string): Promise<void>;
  audit(e: AlertAuditEntry): Promise<void>;
}

export interface AlertStore {
  /**
   * Runs `fn` with exclusive access to alert state: the monitor job and the API (acknowledge,
   * resolve) change the same rows, and a read-modify-write without exclusion would lose one.
   */
  transaction<T>(fn: (tx: AlertTx) => Promise<T>): Promise<T>;
  list(filter: AlertFilter): Promise<Alert[]>;
  listSilences(opts: { now: number; includeExpired?: boolean }): Promise<Silence[]>;
}

/** Newest first, filtered as AlertFilter says. */
export function filterAlerts(all: Iterable<Alert>, f: AlertFilter): Alert[] {
  const out = [...all].filter(
    (a) =>
      (f.state === undefined || (f.state === "open" ? a.state !== "resolved" : a.state === f.state)) &&
      (f.operation === undefined || a.operation === f.operation) &&
      (f.rule === undefined || a.rule === f.rule) &&
      (f.before === undefined || a.startedAt < f.before),
  );
  out.sort((a, b) => b.startedAt - a.startedAt || (a.id < b.id ? 1 : -1));
  return out.slice(0, f.limit ?? 200);
}

/** Alerts, silences and audit entries in memory, with the same semantics as the Postgres store. */
export class MemoryAlertStore implements AlertStore {
  readonly alerts = new Map<string, Alert>();
  readonly silences = new Map<string, Silence>();
  readonly audit: AlertAuditEntry[] = [];
  private chain: Promise<unknown> = Promise.resolve();

  transaction<T>(fn: (tx: AlertTx) => Promise<T>): Promise<T> {
    // Serialized like the advisory lock of the Postgres store; writes go to a copy that is
    // committed only if fn succeeds (a failing step leaves no partial state).
    const run = this.chain.then(async () => {
      const alerts = new Map(this.alerts);
      const silences = new Map(this.silences);
      const audit: AlertAuditEntry[] = [];
      const result = await fn(this.tx(alerts, silences, audit));
      this.replace(this.alerts, alerts);
      this.replace(this.silences, silences);
      this.audit.push(...audit);
      return result;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  private replace<K, V>(target: Map<K, V>, source: Map<K, V>): void {
    target.clear();
    for (const [k, v] of source) target.set(k, v);
  }

  private tx(alerts: Map<string, Alert>, silences: Map<string, Silence>, audit: AlertAuditEntry[]): AlertTx {
    return {
      async known(resolvedSince) {
        const latest = new Map<string, Alert>();
        const out: Alert[] = [];
        for (const a of alerts.values()) {
          if (a.state !== "resolved") out.push(a);
          else if ((a.resolvedAt ?? -Infinity) >= resolvedSince) {
            const prev = latest.get(a.fingerprint);
            if (!prev || (prev.resolvedAt ?? 0) < (a.resolvedAt ?? 0)) latest.set(a.fingerprint, a);
          }
        }
        return [...out, ...latest.values()];
      },
      async get(id) {
        return alerts.get(id) ?? null;
      },
      async save(list) {
        for (const a of list) alerts.set(a.id, a);
      },
      async remove(ids) {
        for (const id of ids) alerts.delete(id);
      },
      async activeSilences(now) {
        return [...silences.values()].filter((s) => s.startsAt <= now && now < s.endsAt);
      },
      async getSilence(id) {
        return silences.get(id) ?? null;
      },
      async addSilence(s) {
        silences.set(s.id, s);
      },
      async removeSilence(id) {
        silences.delete(id);
      },
      async audit(e) {
        audit.push(e);
      },
    };
  }

  async list(filter: AlertFilter): Promise<Alert[]> {
    return filterAlerts(this.alerts.values(), filter);
  }

  async listSilences(opts: { now: number; includeExpired?: boolean }): Promise<Silence[]> {
    return [...this.silences.values()].filter((s) => opts.includeExpired || s.endsAt > opts.now).sort((a, b) => b.startsAt - a.startsAt);
  }
}
