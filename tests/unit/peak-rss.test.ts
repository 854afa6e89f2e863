import { describe, expect, it } from "vitest";
import { startPeakRss } from "../../lib/server/domains/samples/peak-rss";

const MiB = 1048576;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("peak RSS during a run", () => {
  it("sees a 128 MiB peak that is gone before the run ends", async () => {
    const sampler = startPeakRss(20);
    {
      // Buffer.alloc(n, 1) writes every byte: 128 MiB of pages become resident (outside the V8 heap).
      const held = Buffer.alloc(128 * MiB, 1);
      await sleep(100);
      expect(held.length).toBe(128 * MiB);
    }
    const r = sampler.stop();
    expect(r.peakBytes - r.startBytes).toBeGreaterThan(0.95 * 128 * MiB);
    expect(r.peakBytes).toBeGreaterThanOrEqual(Math.max(r.startBytes, r.endBytes));
    // Start, at least a few 20 ms readings, end.
    expect(r.readings).toBeGreaterThanOrEqual(4);
    expect(r.measure).toMatch(/peak resident set size/);
    expect(sampler.stop()).toBe(r);
  });
});
