/**
 * Worker entry of `measureRetainedBytesInWorker` (./retained-bytes-in-worker.ts): loads the
 * workload module, builds the workload with its input (set-up, not measured), runs it `warmup`
 * times, measures `repeat` more runs with `measureRetainedBytes` (their median), closes the
 * workload and replies.
 *
 * Loaded with `require` under the tsx loader: on Node 20 tsx registers its ESM hooks in the main
 * thread only, so inside a worker only `require` compiles TypeScript (piscina relies on the same).
 * Hence no top-level await here, and the workload module is required too.
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { parentPort, workerData } from "node:worker_threads";
import { measureRetainedBytes, type RetainedBytes } from "./retained-bytes";
import type { RetainedWorkerReply, RetainedWorkerRequest, Workload } from "./retained-bytes-in-worker";

/**
 * Field-wise median of repeated measurements: code compiled or thrown away by the JIT between two
 * readings moves a real operation's figure by up to ~200 KB in either direction (seen with
 * technical-indicators.calculate); a median of a few runs is not moved by one such event.
 */
function medianOf(runs: RetainedBytes[]): RetainedBytes {
  const med = (f: (r: RetainedBytes) => number) => {
    const xs = runs.map(f).sort((a, b) => a - b);
    const m = xs.length >> 1;
    return xs.length % 2 ? xs[m]! : (xs[m - 1]! + xs[m]!) / 2;
  };
  return {
    retainedBytes: med((r) => r.retainedBytes),
    heapBytes: med((r) => r.heapBytes),
    externalBytes: med((r) => r.externalBytes),
    retainedWithoutResultBytes: med((r) => r.retainedWithoutResultBytes),
    measure: runs[0]!.measure,
  };
}

async function main(req: RetainedWorkerRequest): Promise<RetainedWorkerReply> {
  let workload: Workload | null = null;
  try {
    const mod = createRequire(req.module)(fileURLToPath(req.module)) as Record<string, unknown>;
    const factory = mod[req.name];
    if (typeof factory !== "function") throw new Error(`${req.module} exports no function ${req.name}`);
    workload = await (factory as (input: unknown) => Promise<Workload>)(req.input);
    for (let i = 0; i < req.warmup; i++) await workload.run();
    // The measurement's own first run compiles its code (~0.1–0.3 MB of code and feedback seen
    // as retained): one idle measurement first.
    await measureRetainedBytes(() => Promise.resolve());
    const runs: RetainedBytes[] = [];
    for (let i = 0; i < req.repeat; i++) runs.push(await measureRetainedBytes(workload.run));
    return { ok: true, result: medianOf(runs) };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  } finally {
    await workload?.close?.().catch(() => undefined);
  }
}

void main(workerData as RetainedWorkerRequest).then((reply) => parentPort!.postMessage(reply));
