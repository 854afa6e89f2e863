/**
 * Assignment hashing. Reference hashes were computed independently with a pure-Python
 * MurmurHash3_x86_32 written for this purpose (transcribed from Austin Appleby's public-domain
 * MurmurHash3.cpp; the `mmh3` module was not installed), fed with key.encode('utf-8'); that
 * implementation first reproduced every published vector in the first table. Not run by the tests.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import murmurhash from "murmurhash";
import { describe, expect, it } from "vitest";
import { BUCKETS, bucketOf, isInCanary, seedFor } from "../../lib/optimizer/assignment";
import { sampleRatioMismatch } from "../../lib/optimizer/stats/chi-square";

describe("murmur3_x86_32 test vectors", () => {
  // Published MurmurHash3_x86_32 vectors (widely reproduced, e.g. StackOverflow question 14747343
  // "MurmurHash3 test vectors"); bytes given as strings here.
  const published: Array<[string, number, number]> = [
    ["", 0, 0],
    ["", 1, 0x514e28b7],
    ["", 0xffffffff, 0x81f16f39],
    ["\0\0\0\0", 0, 0x2362f9de],
    ["aaaa", 0x9747b28c, 0x5a97808a],
    ["abc", 0, 0xb3dd93fa],
    ["Hello, world!", 0x9747b28c, 0x24884cba],
    ["Hello, world!", 1234, 0xfaf6cdb3],
    ["The quick brown fox jumps over the lazy dog", 0x9747b28c, 0x2fa826cd],
  ];
  it.each(published)("published: murmur3(%j, %i) = %i", (key, seed, hash) => {
    expect(murmurhash.v3(key, seed)).toBe(hash);
    expect(bucketOf(key, seed)).toBe(hash % 10000);
  });

  // [key, seed, murmur3_32(key.encode('utf-8'), seed), bucket = hash % 10000] — pure-Python reference.
  const independent: Array<[string, number, number, number]> = [
    ["a", 0, 1009084850, 4850],
    ["ab", 0, 2613040991, 991],
    ["abcd", 0, 1139631978, 1978],
    ["hello", 0, 613153351, 3351],
    ["req-12345", 0, 1969426142, 6142],
    ["user:42", 0, 3349586805, 6805],
    ["550e8400-e29b-41d4-a716-446655440000", 0, 953552092, 2092],
    ["日本語", 0, 2779017879, 7879],
    ["ü", 0, 2017519274, 9274],
    ["req-12345", 1, 1615780000, 0],
    ["hello", 42, 3806057185, 7185],
    ["req-12345", 42, 2991010892, 892],
    ["550e8400-e29b-41d4-a716-446655440000", 42, 1800323756, 3756],
    ["日本語", 42, 3318144696, 4696],
    ["abc", 0x9747b28c, 3360318173, 8173],
    ["req-12345", 0x9747b28c, 442361, 2361],
    ["ü", 0x9747b28c, 1202382896, 2896],
    ["a", 0xffffffff, 711476519, 6519],
    ["abc", 0xffffffff, 4236296879, 6879],
    ["user:42", 0xffffffff, 3756459464, 9464],
    ["550e8400-e29b-41d4-a716-446655440000", 0xffffffff, 3187915264, 5264],
  ];
  it.each(independent)("independent: murmur3(%j, %i) = %i, bucket %i", (key, seed, hash, bucket) => {
    expect(murmurhash.v3(key, seed)).toBe(hash);
    expect(bucketOf(key, seed)).toBe(bucket);
  });

  it("seedFor is murmur3(id, 0)", () => {
    // Pure-Python reference: murmur3_32(b"opt_checkout_cache", 0), murmur3_32(b"optimization-7f3a", 0)
    expect(seedFor("opt_checkout_cache")).toBe(1910226873);
    expect(seedFor("optimization-7f3a")).toBe(2134317596);
  });

  it("treats seeds modulo 2^32 (negative int32 and uint32 spellings agree)", () => {
    expect(bucketOf("abc", -1)).toBe(bucketOf("abc", 0xffffffff));
    expect(bucketOf("abc", -1)).toBe(6879);
  });
});

describe("variant assignment", () => {
  const seed = seedFor("opt_checkout_cache");
  const keys = (n: number, prefix = "req-") => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

  it("buckets are in [0, 10000)", () => {
    for (const k of keys(10_000)) {
      const b = bucketOf(k, seed);
      expect(Number.isInteger(b) && b >= 0 && b < BUCKETS).toBe(true);
    }
  });

  it("is sticky: the same key gets the same variant on every call", () => {
    for (const k of keys(1_000)) {
      const first = isInCanary(k, seed, 30);
      for (let i = 0; i < 5; i++) expect(isInCanary(k, seed, 30)).toBe(first);
    }
  });

  it("is stable across processes (a fresh Node process computes identical buckets)", () => {
    const sample = keys(200, "user-");
    const modulePath = path.resolve(import.meta.dirname, "../../lib/optimizer/assignment.ts");
    const script = `import(${JSON.stringify(modulePath)}).then(m => console.log(JSON.stringify(
      ${JSON.stringify(sample)}.map(k => m.bucketOf(k, ${seed})))))`;
    const out = execFileSync(process.execPath, ["--import", "tsx", "-e", script], { encoding: "utf8" });
    expect(JSON.parse(out)).toEqual(sample.map((k) => bucketOf(k, seed)));
  });

  it("is monotone: every key in the 10 % group is in the 25 % group (10,000 keys)", () => {
    let in10 = 0;
    for (const k of keys(10_000)) {
      if (isInCanary(k, seed, 10)) {
        in10++;
        expect(isInCanary(k, seed, 25)).toBe(true);
      }
    }
    expect(in10).toBeGreaterThan(800); // sanity: the check is not vacuous
  });

  it("ramp steps only ever add keys, including fractional percentages", () => {
    const steps = [0, 0.5, 1, 1.1, 2.5, 5, 10, 25, 33.33, 50, 99.99, 100];
    for (const k of keys(5_000)) {
      let wasIn = false;
      for (const p of steps) {
        const now = isInCanary(k, seed, p);
        if (wasIn) expect(now).toBe(true);
        wasIn = now;
      }
      expect(isInCanary(k, seed, 0)).toBe(false);
      expect(isInCanary(k, seed, 100)).toBe(true);
    }
  });

  it("fractional percent maps to whole buckets (2.5 % → buckets 0..249, 1.1 % → 0..109)", () => {
    const all = keys(100_000);
    const at = (b: number) => all.find((k) => bucketOf(k, seed) === b)!;
    expect(isInCanary(at(249), seed, 2.5)).toBe(true);
    expect(isInCanary(at(250), seed, 2.5)).toBe(false);
    // 1.1 * 100 === 110.00000000000001 in floating point; bucket 110 must still be excluded.
    expect(isInCanary(at(109), seed, 1.1)).toBe(true);
    expect(isInCanary(at(110), seed, 1.1)).toBe(false);
  });

  it("splits 100,000 keys at 30 % within ±1 pp, and the SRM check does not flag it", () => {
    let canary = 0;
    const n = 100_000;
    for (const k of keys(n)) if (isInCanary(k, seed, 30)) canary++;
    expect(Math.abs(canary / n - 0.3)).toBeLessThan(0.01);
    const srm = sampleRatioMismatch([canary, n - canary], [0.3, 0.7]);
    expect(srm.mismatch).toBe(false);
    expect(srm.pValue).toBeGreaterThan(0.001);
  });

  it("the SRM check flags a broken split (52/48 over 100k at an expected 50/50)", () => {
    const srm = sampleRatioMismatch([52_000, 48_000], [0.5, 0.5]);
    expect(srm.mismatch).toBe(true);
    expect(srm.statistic).toBe(160);
  });

  it("different optimizations get (nearly) independent canary groups", () => {
    const other = seedFor("optimization-7f3a");
    let both = 0;
    const n = 20_000;
    for (const k of keys(n)) if (isInCanary(k, seed, 50) && isInCanary(k, other, 50)) both++;
    // Independent 50 % groups overlap on ~25 % of keys (σ ≈ 0.3 pp at n = 20,000).
    expect(Math.abs(both / n - 0.25)).toBeLessThan(0.02);
  });

  it("rejects out-of-range percentages", () => {
    expect(() => isInCanary("k", seed, -1)).toThrow(RangeError);
    expect(() => isInCanary("k", seed, 100.5)).toThrow(RangeError);
    expect(() => isInCanary("k", seed, NaN)).toThrow(RangeError);
  });
});
