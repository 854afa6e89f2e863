/**
 * A real Engine driven in simulated time (vitest fake timers): operations "take" time with
 * setTimeout, the engine measures with the faked Date, injected latency faults delay for real
 * (in fake time), and traffic arrives as a Poisson process.
 */
import { vi } from "vitest";
import { Engine } from "../../lib/optimizer/engine";
import { liveWindowSamples, type LiveSamples } from "../../lib/optimizer/guards";
import { SampleRecorder } from "../../lib/optimizer/recorder";
import type { EngineEvent, FaultLookup, SampleInput } from "../../lib/optimizer/types";
import type { Rng } from "../../lib/optimizer/stats/rng";

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(1, Math.round(ms))));

/** The guards' view of the recorder's live window (as the engine host builds it). */
export const liveSamples = (recorder: SampleRecorder): LiveSamples => liveWindowSamples(recorder);

/** An engine with a recorder (live window), an array of every sample and of every event. */
export function simulatedEngine(opts: { random: Rng; faults?: FaultLookup; allocatedBytes?: () => number }) {
  const recorder = new SampleRecorder({ capacity: 1 << 12, liveWindow: 20_000 });
  const samples: SampleInput[] = [];
  const events: (EngineEvent & { at: number })[] = [];
  const engine = new Engine({
    sink: {
      record: (s) => {
        recorder.record(s);
        samples.push(s);
      },
    },
    now: () => Date.now(),
    wallNow: () => Date.now(),
    ...(opts.allocatedBytes ? { allocationMeter: { allocatedBytes: opts.allocatedBytes } } : {}),
    memorySampleEvery: 1,
    random: opts.random,
    emit: (e) => events.push({ ...e, at: Date.now() }),
    faults: opts.faults,
  });
  return { engine, recorder, samples, events };
}

/**
 * Runs Poisson traffic for `seconds` of simulated time, calling `onSecond` after every simulated
 * second (guards, the monitor job…). Calls overlap as real traffic does.
 */
export function trafficDriver(rng: Rng, ratePerSecond: number, call: (n: number) => Promise<unknown>) {
  let nextArrival = Date.now();
  let n = 0;
  let second = 0;
  let rejected = 0;
  const gap = () => Math.max(1, Math.round((-Math.log(1 - rng()) / ratePerSecond) * 1000));
  nextArrival += gap();
  return {
    get second() {
      return second;
    },
    /** Calls whose caller saw an error. */
    get rejected() {
      return rejected;
    },
    async run(seconds: number, onSecond: (second: number) => Promise<void>) {
      for (let s = 0; s < seconds; s++) {
        const end = Date.now() + 1000;
        while (nextArrival < end) {
          await vi.advanceTimersByTimeAsync(nextArrival - Date.now());
          void call(++n).catch(() => rejected++);
          nextArrival += gap();
        }
        await vi.advanceTimersByTimeAsync(end - Date.now());
        await onSecond(++second);
      }
    },
  };
}
