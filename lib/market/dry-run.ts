/**
 * Dry-run write ports, for shadow runs of the operations that write (SPEC §3 shadow mode).
 *
 * A shadow run of a writing operation must not write: the primary run writes the same rows, so
 * a second write either duplicates them (a plain insert) or finds them already there and reports
 * nothing new (an idempotent one): the shadow's result then depends on which run wrote first,
 * not on what it computed (the measured "inserted[AAPL 2017-01-17 rsi_overbought]: only in
 * baseline" rollback). These ports read from the real store, discard every write and answer it
 * as if none of the rows were stored yet: with everything handed to them, de-duplicated within
 * the call as the real store does. A dry run's result is therefore its computation, whatever
 * other runs stored before or meanwhile; the equivalence checks compare those computed results,
 * never counts of newly stored rows.
 */
import type { Broadcaster } from "../realtime/events";
import type { NewsStore } from "./news/crawl-source";
import type { PriceAlertStore, SignalStore, SnapshotStore } from "./ports";
import type { BatchSnapshotStore } from "./ports-compact";

/** The first row of each key, in order (what an insert with ON CONFLICT DO NOTHING keeps). */
function firstOfEach<T>(rows: readonly T[], key: (row: T) => string): T[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const k = key(r);
    return seen.has(k) ? false : (seen.add(k), true);
  });
}

/** Signals: stores nothing; answers every distinct (symbol, date, kind) handed to it. */
export function dryRunSignalStore(): SignalStore {
  return {
    insertSignals: async (signals) => firstOfEach(signals, (s) => `${s.symbol}\0${s.date}\0${s.kind}`).map((s) => ({ ...s })),
  };
}

/** Price alerts: reads the real watch list; stores nothing; answers every distinct alert handed to it. */
export function dryRunPriceAlertStore(real: PriceAlertStore): PriceAlertStore {
  return {
    watchItems: () => real.watchItems(),
    insertAlerts: async (alerts) => firstOfEach(alerts, (a) => `${a.symbol}\0${a.date}\0${a.kind}\0${a.watchId}`).map(({ watchId: _, ...alert }) => alert),
  };
}

/** Snapshot rows, one at a time: stores nothing. */
export function dryRunSnapshotStore(): SnapshotStore {
  return { insertOne: async () => undefined };
}

/** Snapshot rows, in one statement: stores nothing; answers how many rows it was handed. */
export function dryRunBatchSnapshotStore(): BatchSnapshotStore {
  return { insertMany: async (rows) => rows.length };
}

/**
 * News: reads the real source state (health, HTTP validators); saves no state and stores no
 * article; answers how many distinct articles it was handed.
 */
export function dryRunNewsStore(real: NewsStore): NewsStore {
  return {
    getSourceState: (name) => real.getSourceState(name),
    saveSourceState: async () => undefined,
    insertArticles: async (articles) => firstOfEach(articles, (a) => a.dedupeKey).length,
  };
}

/** A broadcaster that publishes nothing: a shadow run's result is compared, never shown. */
export const silentBroadcaster: Broadcaster = { publish: () => undefined };
