/**
 * Descriptive statistics on latency samples: mean, nearest-rank percentiles and medians, and an
 * in-place quickselect for hot loops.
 */

/**
 * The one percentile definition of the product (SPEC §3 "Comparison"), shown by the API and UI.
 * Nearest-rank: the p-th percentile is the value at rank ⌈p/100 · n⌉ (1-based, at least 1) of the
 * ascending-sorted sample — numpy's `percentile(x, p, method="inverted_cdf")`, Hyndman & Fan
 * type 1. Why this one: it is what HDR histograms report (our per-minute rollups,
 * `getValueAtPercentile`), so a rollup's p95 and a comparison's p95 of the same calls agree
 * (up to the histogram's 0.1 % bucket precision), and every reported value was actually observed.
 * The median is p50 under the same rule: the lower middle value for an even n.
 */
export const PERCENTILE_DEFINITION =
  "nearest-rank: the p-th percentile is the value at rank ceil(p/100 * n) of the ascending-sorted sample (p50 = median; numpy method='inverted_cdf')";

function assertNonEmpty(values: ArrayLike<number>, what: string): void {
  if (values.length === 0) throw new RangeError(`${what}: sample is empty`);
}

/** Copies into a Float64Array and sorts ascending; throws RangeError on an empty sample or NaN. */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  assertNonEmpty(values, "sortedCopy");
  const out = Float64Array.from(values);
  for (let i = 0; i < out.length; i++) {
    if (Number.isNaN(out[i]!)) throw new RangeError("sortedCopy: sample contains NaN");
  }
  return out.sort(); // TypedArray#sort is numeric, unlike Array#sort.
}

/** Arithmetic mean. */
export function mean(values: ArrayLike<number>): number {
  assertNonEmpty(values, "mean");
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

/**
 * 0-based index of the nearest-rank p-th percentile (p ∈ [0, 100]; 0 gives the minimum) of n values.
 * The rank p·n/100 is computed in floating point and can land one ulp above an exact integer
 * (e.g. the bootstrap's (1 − 0.95)/2·100 = 2.5000000000000022): a relative 1e-12 is taken off
 * before the ceiling, as HDR histograms take off one ulp, so such ranks are not pushed up by one.
 */
export function nearestRankIndex(n: number, p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: p must be in [0, 100], got ${p}`);
  const rank = (p * n) / 100;
  return Math.min(n, Math.max(1, Math.ceil(rank - rank * 1e-12))) - 1;
}

/** Nearest-rank percentile p ∈ [0, 100] of an already ascending-sorted sample (see PERCENTILE_DEFINITION). */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  assertNonEmpty(sorted, "percentile");
  return sorted[nearestRankIndex(sorted.length, p)]!;
}

/** Nearest-rank percentile p ∈ [0, 100] (see PERCENTILE_DEFINITION), on a sorted copy. */
export function percentile(values: ArrayLike<number>, p: number): number {
  return percentileSorted(sortedCopy(values), p);
}

/** Several nearest-rank percentiles with a single sort. */
export function percentiles(values: ArrayLike<number>, ps: readonly number[]): number[] {
  const sorted = sortedCopy(values);
  return ps.map((p) => percentileSorted(sorted, p));
}

/** Median of an already sorted sample: nearest-rank p50, i.e. the lower middle value for even n. */
export function medianSorted(sorted: ArrayLike<number>): number {
  assertNonEmpty(sorted, "median");
  return sorted[nearestRankIndex(sorted.length, 50)]!;
}

/** Median (nearest-rank p50), on a sorted copy. */
export function median(values: ArrayLike<number>): number {
  return medianSorted(sortedCopy(values));
}

/**
 * Rearranges buf[0, length) so that buf[k] is the k-th smallest, everything before it is ≤ and
 * everything after it ≥ (Hoare's FIND as given by N. Wirth, "Algorithms + Data Structures =
 * Programs", 1976). Expected O(n); used instead of a full sort inside bootstrap loops.
 * Caller guarantees no NaN.
 */
export function quickselect(buf: Float64Array, k: number, length: number = buf.length): number {
  if (!(k >= 0 && k < length && length <= buf.length)) throw new RangeError(`quickselect: k=${k} out of range`);
  let l = 0;
  let m = length - 1;
  while (l < m) {
    // Middle-of-range pivot: robust on already-sorted and on random input.
    const x = buf[(l + m) >> 1]!;
    let i = l;
    let j = m;
    do {
      while (buf[i]! < x) i++;
      while (x < buf[j]!) j--;
      if (i <= j) {
        const tmp = buf[i]!;
        buf[i] = buf[j]!;
        buf[j] = tmp;
        i++;
        j--;
      }
    } while (i <= j);
    if (j < k) l = i;
    if (k < i) m = j;
  }
  return buf[k]!;
}

/** Median (nearest-rank p50) of buf[0, length) via quickselect; reorders buf. Caller guarantees length ≥ 1 and no NaN. */
export function medianInPlace(buf: Float64Array, length: number): number {
  return quickselect(buf, nearestRankIndex(length, 50), length);
}
