/**
 * A registered operation as a workload for `measureRetainedBytesInWorker`: inside the worker it
 * builds the operation's own ports (a pg pool over the connection string, one indicator thread, a
 * silent broadcaster), registers every operation with a private engine, and runs one variant on
 * one input. Runs use a shadow call context (as benchmarks do), so writing operations write nothing.
 *
 *   measureRetainedBytesInWorker({ module: OPERATION_WORKLOAD_MODULE, name: "operationWorkload",
 *     input: { connectionString, operation: "technical-indicators.calculate", strategies: ["memory"], inputIndex: 0 } })
 *
 * Not counted: memory of the indicator pool's own threads (the `async` variants compute there).
 */
import { Engine } from "../../../optimizer/engine";
import type { CallContext, OperationSpec } from "../../../optimizer/operation";
import type { Strategy } from "../../../optimizer/types";
import { silentBroadcaster } from "../../../market/dry-run";
import { registerOperations } from "../../../operations/registry";
import { createPool } from "../../platform/db/pool";
import { createIndicatorPool } from "../../platform/workers/indicator-pool";
import { pgOperationDeps } from "../market/operation-deps";
import type { Workload } from "./retained-bytes-in-worker";

export const OPERATION_WORKLOAD_MODULE = new URL("./operation-workload.ts", import.meta.url).href;

export interface OperationWorkloadInput {
  connectionString: string;
  operation: string;
  /** Strategies of the variant; empty for the baseline. */
  strategies: Strategy[];
  /** The input itself, or an index into the operation's `benchmarkInputs`. */
  input?: unknown;
  inputIndex?: number;
}

/** Builds the ports and the operation in this (worker) thread and returns its run. */
export async function operationWorkload(w: OperationWorkloadInput): Promise<Workload> {
  // Connections are kept however slow the machine: a client closed after 10 s idle and opened
  // again between two measurements would count its buffers as retained by the operation.
  const pool = createPool(w.connectionString, 2, { idleTimeoutMillis: 0 });
  const workers = createIndicatorPool({ threads: 1 });
  const close = async () => {
    await workers.close();
    await pool.end();
  };
  try {
    const engine = new Engine({ sink: { record: () => undefined } });
    registerOperations(engine, pgOperationDeps({ pool, broadcaster: silentBroadcaster, workers }));
    const op = engine.operation(w.operation) as OperationSpec | undefined;
    if (!op) throw new Error(`unknown operation ${w.operation}`);
    let input = w.input;
    if (input === undefined) {
      const inputs = op.benchmarkInputs ? await op.benchmarkInputs() : null;
      if (!inputs) throw new Error(`no benchmark inputs for ${w.operation} (has the market clock started?)`);
      input = inputs(w.inputIndex ?? 0);
    }
    const impl = w.strategies.length === 0 ? op.baseline : engine.implementation(op, w.strategies);
    const cx = (): CallContext => ({ key: "retained-bytes", shadow: true, cacheHit: false, progress: () => undefined });
    return { run: () => impl(input, cx()), close };
  } catch (err) {
    await close();
    throw err;
  }
}
