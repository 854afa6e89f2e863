/**
 * Retained bytes of a real operation, measured in an isolated worker that builds the operation's
 * own ports over the test database (lib/server/domains/samples/operation-workload.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_INDICATOR_PARAMS } from "../../lib/market/indicators/params";
import { OPERATION_WORKLOAD_MODULE, type OperationWorkloadInput } from "../../lib/server/domains/samples/operation-workload";
import { measureRetainedBytesInWorker } from "../../lib/server/domains/samples/retained-bytes-in-worker";
import { createTestDatabase } from "../helpers/db";

const MiB = 1048576;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

describe("retained bytes of technical-indicators.calculate in a worker", () => {
  for (const strategies of [[], ["memory"]] as const) {
    const variant = strategies.length === 0 ? "baseline" : strategies.join("+");
    it(`measures the ${variant} variant: its result is held, nothing else stays`, { timeout: 120_000 }, async () => {
      const input: OperationWorkloadInput = {
        connectionString: db.url,
        operation: "technical-indicators.calculate",
        strategies: [...strategies],
        input: { symbol: "AAPL", asOf: "2018-06-01", params: DEFAULT_INDICATOR_PARAMS, points: 1000 },
      };
      // 20 warm-up runs: after 2 (as before) the JIT was still compiling during the measured runs,
      // and single readings moved by ±200 KB; after 20 they stay within ~±30 KB, with a rare
      // ±250 KB step between two readings (seen in the memory variant; its cause is not pinned down).
      const r = await measureRetainedBytesInWorker({ module: OPERATION_WORKLOAD_MODULE, name: "operationWorkload", input }, { warmup: 20, repeat: 5 });
      // Expected from the operation: side-effect free, and neither variant caches (the cache is a
      // strategy of its own), so once the result is released about nothing stays live (mostly
      // within ±65 KB for single runs, the rare step aside). The bound catches a leak of 256 KB per call.
      expect(Math.abs(r.retainedWithoutResultBytes)).toBeLessThan(256 * 1024);
      // The result (1,000 points of seven indicators) is live while referenced: ~390–440 KB seen
      // for both variants. Large against the noise on purpose: with 60 points (~20 KB) one CI run
      // read −2.7 KB; with 1,000 points and 2 warm-up runs another read 172 KB. Above 100 KB the
      // result is counted; a 60-point result could not reach it.
      expect(r.retainedBytes - r.retainedWithoutResultBytes).toBeGreaterThan(100 * 1024);
      expect(r.retainedBytes - r.retainedWithoutResultBytes).toBeLessThan(2 * MiB);
      expect(r.measure).toMatch(/forced full GCs/);
    });
  }
});
