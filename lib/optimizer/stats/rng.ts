/**
 * Small seeded PRNGs so bootstrap CIs and simulations are reproducible (Math.random is not
 * seedable). Neither generator is cryptographic; both are only used for resampling and simulation.
 */

/** A uniform random source on [0, 1), compatible with Math.random. */
export type Rng = () => number;

const TWO_POW_32 = 4294967296;

/**
 * mulberry32 by Tommy Ettinger (public domain, 2017; see bryc/code "PRNGs.md"). 32-bit state,
 * period 2^32: fine for one-off draws, used here only to expand a seed for xoshiro128**.
 */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / TWO_POW_32;
  };
}

/**
 * xoshiro128** 1.1 by D. Blackman and S. Vigna (public domain, https://prng.di.unimi.it/xoshiro128starstar.c).
 * 128-bit state, period 2^128 − 1. Chosen over mulberry32 as the default because a calibration
 * run draws ~4·10^9 numbers (2,000 comparisons × 2,000 resamples × 1,000 values), about mulberry32's whole 2^32 period.
 * The 128-bit state is filled from mulberry32(seed), which never yields an all-zero state in practice
 * (and we guard against it anyway).
 */
export function xoshiro128ss(seed: number): Rng {
  const init = mulberry32(seed);
  let s0 = (init() * TWO_POW_32) | 0;
  let s1 = (init() * TWO_POW_32) | 0;
  let s2 = (init() * TWO_POW_32) | 0;
  let s3 = (init() * TWO_POW_32) | 0;
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
  return () => {
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9);
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    return (result >>> 0) / TWO_POW_32;
  };
}

/** Default seeded generator (xoshiro128** seeded via mulberry32). */
export function createRng(seed: number): Rng {
  return xoshiro128ss(seed);
}

/** One standard normal deviate via the Box–Muller transform (used by simulations). */
export function standardNormal(rng: Rng): number {
  // 1 − u ∈ (0, 1] so the log never sees 0.
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
