import { dryRunBatchSnapshotStore, dryRunNewsStore, dryRunPriceAlertStore, dryRunSignalStore, dryRunSnapshotStore, silentBroadcaster } from "../market/dry-run";
import type { BarSource, ClockStore, NewsCountSource, PriceAlertStore, PriceStore, RecentSignalSource, SignalStore, SnapshotStore } from "../market/ports";
import type { BatchSnapshotStore, ColumnSource, IndicatorPoolPort } from "../market/ports-compact";
import type { Broadcaster } from "../realtime/events";
import type { NewsSourceConfig } from "../market/news/sources";
import type { NewsStore } from "../market/news/crawl-source";
import type { CallContext, OperationSpec } from "../optimizer/operation";

/**
 * The ports every operation module may use, built once at start by the server (Postgres,
 * Socket.IO, worker threads) or by a test (in-memory). Modules never import an adapter.
 */
export interface OperationDeps {
  bars: BarSource;
  columns: ColumnSource;
  clock: ClockStore;
  prices: PriceStore;
  signals: SignalStore & RecentSignalSource;
  news: NewsStore & NewsCountSource;
  priceAlerts: PriceAlertStore;
  snapshots: SnapshotStore;
  batchSnapshots: BatchSnapshotStore;
  broadcaster: Broadcaster;
  workers: IndicatorPoolPort;
  newsSources: NewsSourceConfig[];
  /** The imported symbols (read once: the universe never changes after import). */
  universe(): Promise<Set<string>>;
  settings: { priceMoveAlertPct: number };
  /** Calls another operation through the engine (e.g. the crawl fan-out calls each crawler). */
  invoke<I, O>(module: OperationModule<I, O>, input: I): Promise<O>;
}

/** The ports through which operations write: the stores and the broadcaster. */
export interface WritePorts {
  signals: SignalStore;
  priceAlerts: PriceAlertStore;
  snapshots: SnapshotStore;
  batchSnapshots: BatchSnapshotStore;
  news: NewsStore;
  broadcaster: Broadcaster;
}

/**
 * The write ports of one run: the real ones, or for a shadow run (`cx.shadow`) dry-run ones
 * that write and publish nothing and answer what would have been written (lib/market/dry-run).
 * Every implementation of a writing operation takes its write ports from here, so a shadow run
 * (which its spec declares with `shadowWritesDiscarded`) can neither write nor broadcast.
 */
export function writePorts(deps: OperationDeps): (cx: CallContext) => WritePorts {
  const real: WritePorts = {
    signals: deps.signals,
    priceAlerts: deps.priceAlerts,
    snapshots: deps.snapshots,
    batchSnapshots: deps.batchSnapshots,
    news: deps.news,
    broadcaster: deps.broadcaster,
  };
  const dry: WritePorts = {
    signals: dryRunSignalStore(),
    priceAlerts: dryRunPriceAlertStore(deps.priceAlerts),
    snapshots: dryRunSnapshotStore(),
    batchSnapshots: dryRunBatchSnapshotStore(),
    news: dryRunNewsStore(deps.news),
    broadcaster: silentBroadcaster,
  };
  return (cx) => (cx.shadow ? dry : real);
}

/** The market date of the replayed clock and the universe, for benchmark inputs. */
export async function marketContext(deps: OperationDeps): Promise<{ asOf: string; symbols: string[] } | null> {
  const clock = await deps.clock.read();
  if (!clock) return null;
  return { asOf: clock.currentDate, symbols: [...(await deps.universe())] };
}

/**
 * One operation, declared in one module: its name, baseline, optimized implementations with the
 * strategy each belongs to, equivalence check, limits and benchmark inputs. `define` binds it to
 * the running system's ports at start; routes and jobs call it by the module (`invoke(module, input)`).
 */
export interface OperationModule<I, O> {
  readonly name: string;
  define(deps: OperationDeps): OperationSpec<I, O>;
}

/** Declares an operation module; the spec's name must be the module's name. */
export function operationModule<I, O>(name: string, define: (deps: OperationDeps) => OperationSpec<I, O>): OperationModule<I, O> {
  return {
    name,
    define(deps) {
      const spec = define(deps);
      if (spec.name !== name) throw new Error(`operation module ${name} defines ${spec.name}`);
      return spec;
    },
  };
}

export type InputOf<M> = M extends OperationModule<infer I, unknown> ? I : never;
export type OutputOf<M> = M extends OperationModule<unknown, infer O> ? O : never;
