/**
 * The monitor's rules, thresholds, windows and budgets: configuration, validated with zod,
 * with defaults. Loaded from a JSON file or the `setting` row `monitor.rules` by the server.
 */
import { z } from "zod";
import { MONITOR_RULES } from "./types";

const seconds = (dflt: number) =>
  z
    .number()
    .int()
    .positive()
    .max(7 * 86_400)
    .default(dflt);
const alphaSchema = (dflt: number) => z.number().gt(0).lt(1).default(dflt);
const minSamples = (dflt: number) => z.number().int().min(1).max(100_000).default(dflt);

/*
 * Why these statistical defaults (multiple testing). The monitor runs every minute: 1,440
 * evaluations a day × ~4 rules × every operation and variant, i.e. tens of thousands of tests a
 * day. At alpha 0.05 that is thousands of false "significant" results. Three things keep the
 * false-alert rate essentially at zero while a real 30 % regression still alerts in ≤ 3 min:
 *  1. alpha = 0.001 per test (one-sided in effect: only "worse" counts, so ~0.0005);
 *  2. a minimum effect: the median or p95 must also be ≥ 20 % worse — at 2 calls/s a 1-minute
 *     window's median has a standard error of ~5 % (σ = 0.4 log-normal), so +20 % is ~4 SE;
 *  3. an alert fires only after the condition held for `forSeconds` (60 s = two consecutive
 *     evaluations on disjoint 1-minute windows, so the false-finding probabilities multiply:
 *     (≲ 2·10⁻⁴)² × 1,440 × 4 ≈ 2·10⁻⁴ false alerts per series per day).
 * tests/unit/monitor.test.ts checks both sides (24 simulated hours of A/A noise: no alert;
 * an injected 30 % regression: an alert within 3 simulated minutes).
 */
const latencyRule = z
  .object({
    enabled: z.boolean().default(true),
    alpha: alphaSchema(0.001),
    /** The median or the p95 must be at least this much worse (percent). */
    minIncreasePct: z.number().min(0).max(10_000).default(20),
    minSamples: minSamples(30),
  })
  .strict();

const operationOverride = z
  .object({
    /** Memory per call budget (MB); overrides the operation's `memoryThresholdMb`. */
    memoryBudgetMb: z.number().positive().optional(),
    /** How often the operation runs when healthy (a scheduled job); enables the no-data rule. */
    expectedIntervalSeconds: z.number().positive().max(86_400).optional(),
    /** Absolute p95 limit for this operation (ms). */
    p95MaxMs: z.number().positive().optional(),
    /** Rules that never fire for this operation. */
    disabledRules: z.array(z.enum(MONITOR_RULES)).default([]),
  })
  .strict();

type OperationOverrides = Record<string, z.input<typeof operationOverride>>;

/**
 * Per-operation defaults taken from the operations themselves: a scheduled operation declares how
 * often it runs (derived from its job's schedule), which enables the no-data rule for it.
 */
export function operationDefaults(ops: readonly { name: string; expectedIntervalSeconds?: number }[]): OperationOverrides {
  const out: OperationOverrides = {};
  for (const op of ops) if (op.expectedIntervalSeconds !== undefined) out[op.name] = { expectedIntervalSeconds: op.expectedIntervalSeconds };
  return out;
}

export const MonitorConfigSchema = z
  .object({
    recent: z
      .object({
        /** The recent window: the last minute… */
        windowSeconds: seconds(60),
        /** …extended (for quiet operations) until it holds `minSamples`, but never beyond this. */
        maxWindowSeconds: seconds(900),
        minSamples: minSamples(30),
      })
      .strict()
      .prefault({}),
    /** The rolling baseline: the same operation and variant in the hour before the recent window. */
    reference: z
      .object({ windowSeconds: seconds(3_600), minSamples: minSamples(100) })
      .strict()
      .prefault({}),
    /** Rows read per window and series (newest first): bounds the job's cost on busy operations. */
    maxSamplesPerWindow: z.number().int().min(100).max(1_000_000).default(20_000),
    latencyRegression: latencyRule.prefault({}),
    slowerThanBaseline: latencyRule.prefault({}),
    errorRate: z
      .object({
        enabled: z.boolean().default(true),
        maxRate: z.number().gt(0).lt(1).default(0.05),
        alpha: alphaSchema(0.001),
        minSamples: minSamples(20),
      })
      .strict()
      .prefault({}),
    /** The original design's absolute rule: response time above 5 s (p95). */
    responseTime: z
      .object({ enabled: z.boolean().default(true), p95MaxMs: z.number().positive().default(5_000), minSamples: minSamples(20) })
      .strict()
      .prefault({}),
    /** Memory per call against the operation's budget: warning above 80 %, critical above 100 %. */
    memory: z
      .object({
        enabled: z.boolean().default(true),
        warnFraction: z.number().gt(0).max(1).default(0.8),
        minSamples: minSamples(10),
        /** Budget of operations that declare none (null: no memory rule for them). */
        defaultBudgetMb: z.number().positive().nullable().default(null),
      })
      .strict()
      .prefault({}),
    /** Process-wide: RSS against its budget (80 % warning, 100 % critical) and CPU above 90 %. */
    process: z
      .object({
        enabled: z.boolean().default(true),
        rssBudgetMb: z.number().positive().default(2_048),
        rssWarnFraction: z.number().gt(0).max(1).default(0.8),
        cpuMaxPercent: z.number().gt(0).max(100).default(90),
      })
      .strict()
      .prefault({}),
    noData: z
      .object({
        enabled: z.boolean().default(true),
        /** Silence longer than this many expected intervals is "no data". */
        intervalMultiple: z.number().min(1).max(1_000).default(3),
        /** …but never shorter than this: samples reach Postgres in batches, a few seconds late. */
        minSilenceSeconds: seconds(120),
      })
      .strict()
      .prefault({}),
    /** Per-operation overrides, merged over the operations' own defaults (a key given here replaces that operation's defaults). */
    operations: z.record(z.string().min(1), operationOverride).prefault({}),
    /** Alert lifecycle (see lib/optimizer/alerts/lifecycle.ts). */
    alerts: z
      .object({
        /** A condition must hold this long before its alert fires (pending → firing). */
        forSeconds: z.number().int().min(0).max(86_400).default(60),
        /** A firing alert resolves only after its condition has been clear this long (hysteresis). */
        resolveAfterSeconds: z.number().int().min(0).max(86_400).default(120),
        /** A resolved alert that fires again within this time is re-opened, not duplicated. */
        reopenWithinSeconds: z
          .number()
          .int()
          .min(0)
          .max(7 * 86_400)
          .default(1_800),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .refine((c) => c.recent.maxWindowSeconds >= c.recent.windowSeconds, {
    message: "recent.maxWindowSeconds must be ≥ recent.windowSeconds",
    path: ["recent", "maxWindowSeconds"],
  });

export type MonitorConfig = z.output<typeof MonitorConfigSchema>;
export type MonitorConfigInput = z.input<typeof MonitorConfigSchema>;

/** An invalid monitor configuration, with one line per problem (`path: message`). */
export class MonitorConfigError extends Error {
  constructor(
    readonly source: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(`invalid monitor configuration (${source}):\n${issues.map((i) => `  ${i.path || "(root)"}: ${i.message}`).join("\n")}`);
    this.name = "MonitorConfigError";
  }
}

/**
 * Validates a monitor configuration (partial input; defaults fill the rest) over the operations'
 * own defaults (`operationDefaults`). Throws MonitorConfigError.
 */
export function parseMonitorConfig(raw: unknown, source = "config", defaults: OperationOverrides = {}): MonitorConfig {
  let input = raw ?? {};
  // Listing one operation must not silently drop the no-data defaults of the others.
  if (typeof input === "object" && !Array.isArray(input)) {
    const ops = "operations" in input ? (input as { operations: unknown }).operations : {};
    if (ops !== null && typeof ops === "object" && !Array.isArray(ops)) input = { ...input, operations: { ...structuredClone(defaults), ...ops } };
  }
  const parsed = MonitorConfigSchema.safeParse(input);
  if (!parsed.success) {
    throw new MonitorConfigError(
      source,
      parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
    );
  }
  return parsed.data;
}

/** The default configuration (over the given operations' defaults). */
export function defaultMonitorConfig(defaults: OperationOverrides = {}): MonitorConfig {
  return parseMonitorConfig({}, "defaults", defaults);
}
