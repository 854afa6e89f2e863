import type { Engine } from "../optimizer/engine";
import type { OperationSpec } from "../optimizer/operation";
import type { OperationDeps } from "./operation-module";
import type { OperationModule } from "./operation-module";
import { advanceClock } from "./market-clock/advance";
import { crawlAll } from "./news-crawlers/crawl-all";
import { crawlInvesting, crawlYahoo } from "./news-crawlers/crawl-source";
import { checkPrices } from "./price-monitor/check";
import { takeSnapshot } from "./price-snapshot/take";
import { buildReport } from "./reports/build";
import { generateSignals } from "./signal-generator/generate";
import { calculateIndicators } from "./technical-indicators/calculate";
import { calculateIndicatorsBatch } from "./technical-indicators/calculate-batch";

/** Every service operation (SPEC §2), one module each. Adding an operation: one file, one line here. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one list of modules of every input/output type
export const OPERATIONS: readonly OperationModule<any, any>[] = [
  calculateIndicators,
  calculateIndicatorsBatch,
  generateSignals,
  advanceClock,
  checkPrices,
  takeSnapshot,
  crawlInvesting,
  crawlYahoo,
  crawlAll,
  buildReport,
];

/** The operations as registered with one engine: module → spec, and calls by module. */
export interface RegisteredOperations {
  spec<I, O>(module: OperationModule<I, O>): OperationSpec<I, O>;
  /** A registered operation by name (undefined when unknown). */
  specByName(name: string): OperationSpec | undefined;
  invoke<I, O>(module: OperationModule<I, O>, input: I): Promise<O>;
}

/**
 * Registers every module with the engine over the given ports. `intervals` gives scheduled
 * operations their expected interval (seconds), derived from the job schedules.
 */
export function registerOperations(
  engine: Engine,
  deps: Omit<OperationDeps, "invoke">,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as OPERATIONS
  modules: readonly OperationModule<any, any>[] = OPERATIONS,
  intervals: Record<string, number> = {},
): RegisteredOperations {
  const specs = new Map<string, OperationSpec>();
  const registered: RegisteredOperations = {
    spec<I, O>(module: OperationModule<I, O>) {
      const spec = specs.get(module.name);
      if (!spec) throw new Error(`operation ${module.name} is not registered`);
      return spec as OperationSpec<I, O>;
    },
    specByName: (name) => specs.get(name),
    invoke: (module, input) => engine.call(registered.spec(module), input),
  };
  const full: OperationDeps = { ...deps, invoke: registered.invoke };
  for (const module of modules) {
    const spec = module.define(full);
    if (intervals[spec.name] !== undefined) spec.expectedIntervalSeconds = intervals[spec.name];
    specs.set(module.name, engine.register(spec));
  }
  return registered;
}
