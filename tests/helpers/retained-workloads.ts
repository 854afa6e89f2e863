/**
 * Synthetic workloads for the retained-bytes worker (lib/server/domains/samples/retained-bytes-in-worker.ts):
 * factories `(input) => Promise<Workload>`, imported by the worker thread by module URL.
 */
import type { Workload } from "../../lib/server/domains/samples/retained-bytes-in-worker";

const MiB = 1048576;

/**
 * An array of `mb` MiB of doubles (n = mb·MiB/8 elements). `slice()` of it allocates exactly one
 * JSArray (32 B) and one FixedDoubleArray (16 B header + 8 B per element): mb MiB + 48 B.
 */
function doubles(mb: number): number[] {
  const n = Math.round((mb * MiB) / 8);
  const t: number[] = [];
  for (let i = 0; i < n; i++) t.push(i + 0.5);
  return t;
}

/** Each run keeps `mb` MiB in a module-level cache (a leak by design). */
export async function retainMegabytes(input: { mb: number }): Promise<Workload> {
  const template = doubles(input.mb);
  const cache: number[][] = [];
  return { run: async () => void cache.push(template.slice()) };
}

/** Each run allocates `mb` MiB of garbage in 1 MiB arrays and keeps nothing. */
export async function allocateAndDrop(input: { mb: number }): Promise<Workload> {
  const template = doubles(1);
  return {
    run: async () => {
      let n = 0;
      for (let i = 0; i < input.mb; i++) n += template.slice().length;
      return n;
    },
  };
}

/** Each run returns a fresh `mb` MiB array (kept by the caller, not by the workload). */
export async function returnMegabytes(input: { mb: number }): Promise<Workload> {
  const template = doubles(input.mb);
  return { run: async () => template.slice() };
}
