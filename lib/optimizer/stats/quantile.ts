/**
 * Descriptive statistics on latency samples: mean, median, percentiles (numpy's default
 * 'linear' method, Hyndman & Fan type 7) and an in-place quickselect for hot loops.
 */

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
 * numpy's `_lerp`: a + (b−a)·t for t < ½, b − (b−a)·(1−t) otherwise. Mirrored exactly so our
 * percentiles agree with numpy.percentile bit-for-bit in the common case.
 */
function lerp(a: number, b: number, t: number): number {
  const d = b - a;
  return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

/** Percentile p ∈ [0, 100] of an already ascending-sorted sample (numpy 'linear' method). */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  assertNonEmpty(sorted, "percentile");
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: p must be in [0, 100], got ${p}`);
  const h = (sorted.length - 1) * (p / 100); // numpy: virtual index (n−1)·q with q = p/100
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return lerp(sorted[lo]!, sorted[hi]!, h - lo);
}

/** Percentile p ∈ [0, 100] with linear interpolation (numpy.percentile default), on a sorted copy. */
export function percentile(values: ArrayLike<number>, p: number): number {
  return percentileSorted(sortedCopy(values), p);
}

/** Several percentiles with a single sort. */
export function percentiles(values: ArrayLike<number>, ps: readonly number[]): number[] {
  const sorted = sortedCopy(values);
  return ps.map((p) => percentileSorted(sorted, p));
}

/** Median of an already sorted sample (mean of the two middle values for even n, like numpy.median). */
export function medianSorted(sorted: ArrayLike<number>): number {
  assertNonEmpty(sorted, "median");
  const n = sorted.length;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median (numpy.median semantics), on a sorted copy. */
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

/** Median of buf[0, length) via quickselect; reorders buf. Caller guarantees length ≥ 1 and no NaN. */
export function medianInPlace(buf: Float64Array, length: number): number {
  const mid = length >> 1;
  const upper = quickselect(buf, mid, length);
  if (length % 2 === 1) return upper;
  // After selection every element left of `mid` is ≤ upper, so the lower middle is their max.
  let lower = buf[0]!;
  for (let i = 1; i < mid; i++) if (buf[i]! > lower) lower = buf[i]!;
  return (lower + upper) / 2;
}
