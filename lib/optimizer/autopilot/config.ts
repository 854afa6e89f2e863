/**
 * Autopilot rules (the original `AutoOptimizationManager`) and rollout thresholds: configuration,
 * zod-validated with defaults (setting `autopilot.config`).
 */
import { z } from "zod";
import { MONITOR_RULES } from "../monitor/types";
import { STRATEGIES } from "../types";

/**
 * What a step must show before promotion: `latency` = optimized significantly faster,
 * `memory` = significantly less memory per call (and not slower), `finding_cleared` = the
 * triggering condition is gone (for `queue`, whose calls run elsewhere and have no variant samples).
 */
export const GAINS = ["latency", "memory", "finding_cleared"] as const;
export type Gain = (typeof GAINS)[number];

// `condition` / `condition_cleared` are the names an earlier version stored: still read.
const legacyRule = (v: unknown) => {
  if (v === null || typeof v !== "object" || !("condition" in v) || "rule" in v) return v;
  const { condition, gain, ...rest } = v as { condition: unknown; gain?: unknown };
  return { ...rest, rule: condition, ...(gain === undefined ? {} : { gain: gain === "condition_cleared" ? "finding_cleared" : gain }) };
};
const rule = z.preprocess(legacyRule, z.object({ rule: z.enum(MONITOR_RULES), strategy: z.enum(STRATEGIES), gain: z.enum(GAINS) }).strict());

export const AutopilotConfigSchema = z
  .object({
    /** Detected condition → optimization to try. The original design's three rules by default. */
    rules: z.array(rule).default([
      { rule: "memory_high", strategy: "memory", gain: "memory" },
      { rule: "response_time", strategy: "async", gain: "latency" },
      { rule: "cpu_high", strategy: "queue", gain: "finding_cleared" },
    ]),
    shadow: z
      .object({
        /** Paired shadow runs (same input, both variants) needed to call the results equivalent. */
        minRuns: z.number().int().min(1).default(30),
        maxMismatches: z.number().int().min(0).default(0),
      })
      .strict()
      .prefault({}),
    /** Canary percentages, ascending; after the last comes `on` (100 %). */
    canaryPercents: z
      .array(z.number().gt(0).lt(100))
      .min(1)
      .default([5, 25, 50])
      .refine((p) => p.every((x, i) => i === 0 || x > p[i - 1]!), "must be strictly ascending"),
    /** Least time at each step (soak), and most: a step inconclusive for longer is aborted. */
    minStepSeconds: z.number().int().min(0).default(300),
    maxStepSeconds: z.number().int().min(60).default(3_600),
    /**
     * The live comparison of a step. alpha 0.01, not 0.05: each step is re-tested every minute on
     * a growing window (sequential looks inflate false "faster" verdicts), and a false promotion
     * must then also pass the next steps on fresh windows.
     */
    comparison: z
      .object({
        alpha: z.number().gt(0).lt(1).default(0.01),
        minSamples: z.number().int().min(5).default(30),
        /** The newest samples per side that are compared (bounds the bootstrap's cost on busy operations). */
        maxSamplesPerSide: z.number().int().min(100).default(2_000),
      })
      .strict()
      .prefault({}),
    /** After reaching `on` the rollout is watched this long; a harmful condition then rolls it back. */
    watchSeconds: z.number().int().min(0).default(3_600),
    /** Conditions on an optimized variant that mean "this optimization does harm". */
    harmfulRules: z.array(z.enum(MONITOR_RULES)).default(["latency_regression", "slower_than_baseline", "error_rate", "response_time"]),
    /** The autopilot does not try the same optimization again for this long after it gave up on it. */
    retryAfterSeconds: z.number().int().min(0).default(86_400),
  })
  .strict()
  .refine((c) => c.maxStepSeconds >= c.minStepSeconds, { message: "maxStepSeconds must be ≥ minStepSeconds", path: ["maxStepSeconds"] });

export type AutopilotConfig = z.output<typeof AutopilotConfigSchema>;

/** Validates an autopilot configuration; throws an Error listing every problem with its path. */
export function parseAutopilotConfig(raw: unknown, source = "config"): AutopilotConfig {
  const parsed = AutopilotConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.map(String).join(".") || "(root)"}: ${i.message}`);
    throw new Error(`invalid autopilot configuration (${source}):\n${lines.join("\n")}`);
  }
  return parsed.data;
}
