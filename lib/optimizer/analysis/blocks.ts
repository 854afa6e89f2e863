/** One call of a phase, as the analysis needs it. */
export interface PhaseSample {
  /** Wall-clock end of the call (ms since epoch). */
  at: number;
  durationMs: number;
  /** A failed or timed-out call ranks above every success (+Infinity). */
  ok: boolean;
  /** The optimized arm (else the baseline). */
  optimized: boolean;
}

export interface SampleBlock {
  from: number;
  to: number;
  baseline: number[];
  optimized: number[];
}

/**
 * Cuts a phase's samples into closed wall-clock blocks [start + k·len, start + (k+1)·len) that
 * ended by `now`; a block with fewer than `minPerArm` calls in either arm is merged with the next
 * one (a rule on counts only, never on durations, so it cannot bias the test). A merged block that
 * is still too small when the samples end stays open: it is analysed once it has enough.
 */
export function closedBlocks(samples: Iterable<PhaseSample>, phaseStart: number, now: number, blockMs: number, minPerArm: number): SampleBlock[] {
  const closed = Math.floor((now - phaseStart) / blockMs);
  if (closed <= 0) return [];
  const raw: { baseline: number[]; optimized: number[] }[] = Array.from({ length: closed }, () => ({ baseline: [], optimized: [] }));
  for (const s of samples) {
    const k = Math.floor((s.at - phaseStart) / blockMs);
    if (k < 0 || k >= closed) continue;
    const d = s.ok ? s.durationMs : Infinity;
    (s.optimized ? raw[k]!.optimized : raw[k]!.baseline).push(d);
  }
  const out: SampleBlock[] = [];
  let acc: SampleBlock | null = null;
  for (let k = 0; k < closed; k++) {
    const r = raw[k]!;
    if (acc === null) acc = { from: phaseStart + k * blockMs, to: phaseStart + (k + 1) * blockMs, baseline: r.baseline, optimized: r.optimized };
    else {
      acc.to = phaseStart + (k + 1) * blockMs;
      for (const d of r.baseline) acc.baseline.push(d);
      for (const d of r.optimized) acc.optimized.push(d);
    }
    if (acc.baseline.length >= minPerArm && acc.optimized.length >= minPerArm) {
      out.push(acc);
      acc = null;
    }
  }
  return out;
}
