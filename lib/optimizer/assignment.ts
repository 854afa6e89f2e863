/**
 * Stable variant assignment. A request key is hashed with MurmurHash3 (x86, 32-bit) under a
 * per-optimization seed into one of 10,000 buckets; the optimized variant gets the buckets below
 * percent·100. This replaces the original Python design's `hash(request_id) % 100`, which used
 * Python's per-process randomized string hash (PYTHONHASHSEED), so the same request could land in
 * different variants on different instances or after a restart.
 *
 * Properties: deterministic across processes and restarts (pure function of key and seed); raising
 * the percentage only adds keys (thresholding a fixed bucket); 0.01 pp resolution; independent
 * seeds per optimization so one optimization's canary is not always the same users as another's.
 */
import murmurhash from "murmurhash";

/** Number of assignment buckets: 10,000 gives 0.01 percentage-point granularity. */
export const BUCKETS = 10_000;

/**
 * Bucket in [0, 10000) for a key: murmur3_x86_32(UTF-8 bytes of key, seed) mod 10000.
 * (murmurhash@2.0.1 `v3` encodes strings with TextEncoder, i.e. UTF-8, and returns an unsigned
 * 32-bit value.) Modulo bias: 2^32 mod 10000 = 7296 buckets get one extra hash value out of
 * ~429,497, a relative skew of 2.3e-6 — negligible next to sampling noise.
 */
export function bucketOf(key: string, seed: number): number {
  return murmurhash.v3(key, seed >>> 0) % BUCKETS;
}

/** True iff `key` belongs to the optimized (canary) group at `percent` ∈ [0, 100] (fractions allowed, e.g. 2.5). */
export function isInCanary(key: string, seed: number, percent: number): boolean {
  if (!(percent >= 0 && percent <= 100)) throw new RangeError(`isInCanary: percent must be in [0, 100], got ${percent}`);
  // Round to whole buckets: 1.1 * 100 is 110.00000000000001 in floating point, and comparing
  // against it would admit bucket 110 (1.11 %). Rounding is monotone, so raising percent only adds keys.
  return bucketOf(key, seed) < Math.round(percent * 100);
}

/** Deterministic 32-bit seed for an optimization id: murmur3_x86_32(id, seed 0). */
export function seedFor(optimizationId: string): number {
  return murmurhash.v3(optimizationId, 0);
}

/** Signed 32-bit hash of a request key, stored with each sample (murmur3_x86_32, seed 0). */
export function keyHash(key: string): number {
  return murmurhash.v3(key, 0) | 0;
}
