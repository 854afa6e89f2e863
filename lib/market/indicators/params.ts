import { z } from "zod";

/** Longest look-back any indicator may ask for (2 years of daily bars). */
export const MAX_INDICATOR_PERIOD = 500;
/** How many SMA (and, separately, EMA) periods one request may ask for. */
export const MAX_MOVING_AVERAGE_PERIODS = 8;

const period = z.number().int().min(1).max(MAX_INDICATOR_PERIOD);

/**
 * A list of moving-average periods. It is a set: duplicates are dropped and the periods are
 * sorted ascending, so `[50, 20, 20]` and `[20, 50]` parse to the same value and the same key.
 */
const periodSet = (defaults: readonly number[]) =>
  z
    .array(period)
    .max(MAX_MOVING_AVERAGE_PERIODS)
    .transform((periods) => [...new Set(periods)].sort((a, b) => a - b))
    .default(() => [...defaults]);

/**
 * Zod schema of the indicator parameters. Every field is optional on input and defaults to
 * the classic settings; `indicatorParamsSchema.parse({})` yields {@link DEFAULT_INDICATOR_PARAMS}.
 */
export const indicatorParamsSchema = z
  .object({
    sma: periodSet([20, 50, 200]),
    /** EMAs are seeded with the SMA of their first `period` values (TA-Lib / technicalindicators convention). */
    ema: periodSet([12, 20, 26]),
    /** Wilder RSI (smoothing factor 1/period), first value at index `period`. */
    rsi: period.default(14),
    macd: z
      .object({ fast: period.default(12), slow: period.default(26), signal: period.default(9) })
      .prefault({})
      .refine((m) => m.fast < m.slow, { message: "macd.fast must be smaller than macd.slow", path: ["fast"] }),
    /** Bands at `k` population standard deviations around an SMA(period). */
    bollinger: z.object({ period: period.default(20), k: z.number().gt(0).lte(10).default(2) }).prefault({}),
    /** Wilder ATR, first value at index `period` (the first bar has no true range). */
    atr: period.default(14),
    /**
     * Fast stochastic: %K = 100·(close − lowest low)/(highest high − lowest low) over `k` bars,
     * %D = SMA(`d`) of %K. A flat window (highest high == lowest low) gives %K = 50: the close is
     * then at both ends of a zero-width range, so the neutral mid-point is the only reading that
     * does not invent an overbought (100) or oversold (0) signal; technicalindicators returns 0.
     */
    stochastic: z.object({ k: period.default(14), d: period.default(3) }).prefault({}),
  })
  .strict();

/** Parsed, validated indicator parameters (every field present). */
export type IndicatorParams = z.output<typeof indicatorParamsSchema>;
/** What callers may pass before parsing (every field optional). */
export type IndicatorParamsInput = z.input<typeof indicatorParamsSchema>;

/** Validates and fills in defaults; throws a `ZodError` on out-of-bounds values. */
export function parseIndicatorParams(input: unknown = {}): IndicatorParams {
  return indicatorParamsSchema.parse(input);
}

/** The default parameters: SMA 20/50/200, EMA 12/20/26, RSI 14, MACD 12/26/9, BB 20/2, ATR 14, Stoch 14/3. */
export const DEFAULT_INDICATOR_PARAMS: Readonly<IndicatorParams> = Object.freeze(parseIndicatorParams({}));

/**
 * Canonical, stable string for a parameter set, for cache keys. Field order is fixed here (not
 * taken from object key order) and periods are sorted and de-duplicated, so two parameter sets
 * that compute the same indicators always share a key.
 */
export function indicatorParamsKey(params: IndicatorParams): string {
  const periods = (ps: readonly number[]) => [...new Set(ps)].sort((a, b) => a - b).join(",");
  const { macd, bollinger, stochastic } = params;
  return [
    `sma=${periods(params.sma)}`,
    `ema=${periods(params.ema)}`,
    `rsi=${params.rsi}`,
    `macd=${macd.fast},${macd.slow},${macd.signal}`,
    `bb=${bollinger.period},${bollinger.k}`,
    `atr=${params.atr}`,
    `stoch=${stochastic.k},${stochastic.d}`,
  ].join(";");
}
