import { z } from "zod";

/** The news sources the crawler knows about. */
export const NEWS_SOURCE_NAMES = ["investing", "yahoo"] as const;
export type NewsSourceName = (typeof NEWS_SOURCE_NAMES)[number];

/** Real public feed URLs; configurable because tests (and mirrors) point elsewhere. */
export const DEFAULT_NEWS_SOURCE_URLS: Readonly<Record<NewsSourceName, string>> = {
  investing: "https://www.investing.com/rss/news_25.rss",
  yahoo: "https://finance.yahoo.com/news/rssindex",
};

/**
 * Identifies us honestly with a contact address, so feed operators can reach us
 * instead of blocking an anonymous scraper.
 */
export const DEFAULT_NEWS_USER_AGENT = "Perfpilot/0.1 (+market-analysis news crawler; contact: ops@perfpilot.local)";

/** Validates one source definition and fills the defaults. */
export const newsSourceConfigSchema = z.object({
  name: z.enum(NEWS_SOURCE_NAMES),
  // Only http(s): fetch would reject other schemes anyway, better to fail at config time.
  url: z.url({ protocol: /^https?$/ }),
  timeoutMs: z.number().int().positive().default(10_000),
  maxRetries: z.number().int().min(0).max(10).default(3),
  backoffBaseMs: z.number().int().min(0).default(1_000),
  backoffMaxMs: z.number().int().min(0).default(60_000),
  userAgent: z.string().min(1).default(DEFAULT_NEWS_USER_AGENT),
});

/** A fully resolved source definition (all defaults applied). */
export type NewsSourceConfig = z.output<typeof newsSourceConfigSchema>;
/** What a caller may write; everything but name and url has a default. */
export type NewsSourceConfigInput = z.input<typeof newsSourceConfigSchema>;
/** Per-source overrides accepted by {@link defaultNewsSources}. */
export type NewsSourceOverrides = Partial<Record<NewsSourceName, Partial<Omit<NewsSourceConfigInput, "name">>>>;

/**
 * Parses and validates a source definition, applying defaults.
 * Throws a ZodError on invalid input (bad URL, negative timeout, unknown name...).
 */
export function parseNewsSourceConfig(input: NewsSourceConfigInput): NewsSourceConfig {
  return newsSourceConfigSchema.parse(input);
}

/**
 * Returns the default definitions of all known sources, in a stable order
 * (investing, yahoo), with optional per-source overrides (e.g. a loopback URL in tests).
 */
export function defaultNewsSources(overrides: NewsSourceOverrides = {}): NewsSourceConfig[] {
  return NEWS_SOURCE_NAMES.map((name) => parseNewsSourceConfig({ url: DEFAULT_NEWS_SOURCE_URLS[name], ...overrides[name], name }));
}
