/**
 * Retained bytes of a workload measured in a worker thread of its own: a fresh V8 heap that no
 * other request, timer or cache shares, so what stays live after the run is the run's.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { RetainedBytes } from "./retained-bytes";

/** What the worker measures: `run` (set-up happens in the factory that returns it, unmeasured). */
export interface Workload {
  run(): Promise<unknown>;
  /** Frees what the set-up opened (pools, threads) once the measurement is done. */
  close?(): Promise<void>;
}

/** A module export `(input) => Promise<Workload>`, named so a worker can import it. */
export interface WorkloadRef {
  /** File URL (or absolute path) of the module. */
  module: string | URL;
  /** Name of the factory export. */
  name: string;
  /** Passed to the factory; must survive structured cloning. */
  input?: unknown;
}

export interface RetainedWorkerRequest {
  module: string;
  name: string;
  input: unknown;
  warmup: number;
  repeat: number;
}

export type RetainedWorkerReply = { ok: true; result: RetainedBytes } | { ok: false; error: string };

/**
 * The worker is a .ts file: under `node --import tsx` threads get the loader; elsewhere
 * (vitest's forked children, plain `node`) it is added, resolved from this package. The same rule
 * as the indicator pool's (lib/server/platform/workers/indicator-pool.ts).
 */
function workerExecArgv(): string[] {
  const argv = process.execArgv;
  if (argv.some((a) => /(^|[\\/=:])tsx([\\/]|$)/.test(a))) return argv;
  return [...argv, "--import", pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href];
}

/**
 * Builds the workload in a new worker thread, runs it `warmup` times (default 1: compiled code,
 * lazily built tables and pool connections are first-call costs, not retention), then measures the
 * bytes each of `repeat` more runs (default 3) leaves live after forced GCs and returns their
 * field-wise median. Each run is measured on its own, so a workload that keeps N bytes per run
 * measures N. Rejects with the worker's error, or after `timeoutMs` (default 120 s; the worker is
 * then terminated).
 */
export function measureRetainedBytesInWorker(
  workload: WorkloadRef,
  opts: { warmup?: number; repeat?: number; timeoutMs?: number } = {},
): Promise<RetainedBytes> {
  const module =
    workload.module instanceof URL ? workload.module.href : workload.module.startsWith("file:") ? workload.module : pathToFileURL(workload.module).href;
  const request: RetainedWorkerRequest = {
    module,
    name: workload.name,
    input: workload.input,
    warmup: opts.warmup ?? 1,
    repeat: Math.max(1, opts.repeat ?? 3),
  };
  // A CommonJS loader that requires the TypeScript entry (./retained-bytes-worker.ts says why).
  const worker = new Worker(new URL("./retained-bytes-worker.cjs", import.meta.url), { workerData: request, execArgv: workerExecArgv() });
  return new Promise<RetainedBytes>((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`retained-bytes worker for ${workload.name} timed out after ${opts.timeoutMs ?? 120_000} ms`));
    }, opts.timeoutMs ?? 120_000);
    const settle = (fn: () => void) => {
      clearTimeout(timer);
      fn();
    };
    worker.once("message", (reply: RetainedWorkerReply) => {
      settle(() => (reply.ok ? resolve(reply.result) : reject(new Error(`retained-bytes worker for ${workload.name}: ${reply.error}`))));
      void worker.terminate();
    });
    worker.once("error", (err) => settle(() => reject(err)));
    worker.once("exit", (code) => settle(() => reject(new Error(`retained-bytes worker for ${workload.name} exited (${code}) without a reply`))));
  });
}
