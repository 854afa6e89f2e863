import Parser from "rss-parser";

/** One normalised feed item, independent of RSS/Atom flavour. */
export interface ParsedArticle {
  /** The feed's guid (RSS) or id (Atom), else the link; null only when the item has neither. */
  guid: string | null;
  link: string | null;
  title: string | null;
  /** Plain text: HTML stripped, entities decoded, whitespace collapsed, capped at {@link MAX_SUMMARY_CHARS}. */
  summary: string | null;
  /** Null when the feed gives no date or an unparsable one. */
  publishedAt: Date | null;
  /** Identity used for de-duplication; see {@link dedupeKeyFor}. */
  dedupeKey: string;
}

/** Result of {@link parseFeedDetailed}: the kept articles plus how many items were dropped, and why. */
export interface ParsedFeed {
  articles: ParsedArticle[];
  /** Items in the document, before dropping. */
  itemCount: number;
  /** Items dropped: no title, link or summary to show, or an item the parser could not read. */
  dropped: number;
  /** Dropped items per reason (`empty`: nothing to show; `unreadable`: the item's structure broke normalisation). */
  droppedReasons: Record<string, number>;
}

/** Raised for XML that is not well-formed or not a recognisable RSS/Atom document. */
export class FeedParseError extends Error {
  override readonly name = "FeedParseError";
  readonly sourceName: string;

  constructor(sourceName: string, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.sourceName = sourceName;
  }
}

export const MAX_SUMMARY_CHARS = 1_000;
export const MAX_TITLE_CHARS = 500;

/** Query parameters that only track the click and never change which article a URL points to. */
const TRACKING_PARAMS = new Set([
  "fbclid",
  "gclid",
  "dclid",
  "msclkid",
  "mc_cid",
  "mc_eid",
  "_hsenc",
  "_hsmi",
  "ncid",
  "tsrc",
  ".tsrc",
  "soc_src",
  "soc_trk",
  "cmpid",
  "yptr",
  "guccounter",
  "guce_referrer",
  "guce_referrer_sig",
]);

/**
 * Parses an RSS 0.9/1.0/2.0 or Atom document and normalises its items.
 * Items with neither a title nor a link are dropped (see {@link parseFeedDetailed} for the count).
 * Throws {@link FeedParseError} on malformed or unrecognised XML.
 */
export async function parseFeed(xml: string, sourceName: string): Promise<ParsedArticle[]> {
  return (await parseFeedDetailed(xml, sourceName)).articles;
}

/** Same as {@link parseFeed}, but also reports how many items were in the feed and how many were dropped. */
export async function parseFeedDetailed(xml: string, sourceName: string): Promise<ParsedFeed> {
  let feed: Parser.Output<Record<string, unknown>>;
  try {
    feed = await createParser().parseString(xml);
  } catch (err) {
    throw new FeedParseError(sourceName, `${sourceName}: ${describeParseError(err)}`, err);
  }

  const articles: ParsedArticle[] = [];
  const droppedReasons: Record<string, number> = {};
  const drop = (reason: string) => (droppedReasons[reason] = (droppedReasons[reason] ?? 0) + 1);
  for (const item of feed.items ?? []) {
    // One item the normalisation cannot read is skipped and counted; it never fails the feed.
    let article: ParsedArticle | null;
    try {
      article = normaliseItem(item, sourceName);
    } catch {
      drop("unreadable");
      continue;
    }
    if (article) articles.push(article);
    else drop("empty");
  }
  const dropped = Object.values(droppedReasons).reduce((n, x) => n + x, 0);
  return { articles, itemCount: articles.length + dropped, dropped, droppedReasons };
}

/**
 * A parse failure as a sentence. rss-parser reports XML errors from its XML library ("Unexpected
 * close tag…") but also raw TypeErrors when a well-formed document has an unexpected shape
 * ("Cannot read properties of undefined (reading '0')"): say what that means for people.
 */
function describeParseError(err: unknown): string {
  const detail = err instanceof Error ? (err.message.split("\n")[0] ?? "") : String(err);
  if (err instanceof TypeError || /^Cannot read propert/i.test(detail)) {
    return `the document is XML but not in a shape the RSS/Atom parser can read (${detail})`;
  }
  if (/feed not recognized|not recognized as RSS/i.test(detail)) return `the document is neither RSS nor Atom (${detail})`;
  return `the feed is not well-formed XML (${detail})`;
}

function createParser(): Parser<Record<string, unknown>, Record<string, unknown>> {
  const parser = new Parser<Record<string, unknown>, Record<string, unknown>>();
  // rss-parser 3.13 calls `new Date(published).toISOString()` on Atom entries without a guard,
  // so ONE bad date rejects the whole feed. Drop unparsable dates before it sees them
  // (publishedAt then becomes null, as for RSS). The hook is internal, hence the defensive check.
  const internal = parser as unknown as { parseItemAtom?: (entry: Record<string, unknown>) => unknown };
  const original = internal.parseItemAtom;
  if (typeof original === "function") {
    internal.parseItemAtom = (entry) => original.call(parser, withoutInvalidAtomDates(entry));
  }
  return parser;
}

function withoutInvalidAtomDates(entry: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...entry };
  for (const field of ["published", "updated"]) {
    const values = copy[field];
    const first = Array.isArray(values) ? values[0] : undefined;
    if (first !== undefined && (typeof first !== "string" || toDate(first) === null)) delete copy[field];
  }
  return copy;
}

function normaliseItem(item: Record<string, unknown>, sourceName: string): ParsedArticle | null {
  // xml2js yields objects instead of strings when an element carries attributes but no text,
  // so every field goes through `text()`.
  const link = httpLink(text(item.link));
  // Titles are stored as text: tags stripped (Atom allows type="html") and entities decoded
  // (feeds often double-encode: "AT&amp;amp;T").
  const rawTitle = text(item.title);
  const rawSummary = text(item.summary) ?? text(item.content) ?? text(item["content:encoded"]);
  const summary = rawSummary === null ? null : truncate(collapse(decodeEntities(stripTags(rawSummary))), MAX_SUMMARY_CHARS);
  // A title-less item (valid RSS: an item needs only a title OR a description) takes its title
  // from its summary, else from its link, so one such item never fails the crawl's insert.
  const title =
    truncate(collapse(rawTitle === null ? null : decodeEntities(stripTags(rawTitle))), MAX_TITLE_CHARS) ??
    truncate(summary, 120) ??
    (link === null ? null : titleFromLink(link));
  if (!title) return null;

  const feedGuid = text(item.guid) ?? text(item.id);

  return {
    guid: feedGuid ?? link,
    link,
    title,
    summary,
    // The raw pubDate first: rss-parser's isoDate reads zone-less dates in the server's local zone.
    publishedAt: toDate(text(item.pubDate) ?? text(item.date) ?? text(item.isoDate)),
    dedupeKey: dedupeKeyFor({ sourceName, guid: feedGuid, link, title }),
  };
}

/**
 * Builds the de-duplication key.
 * - A guid that is a URL is canonicalised and keyed as a URL (`url:`), so it also matches the
 *   same article seen through a plain link, whatever tracking parameters were appended.
 * - Any other guid (e.g. Yahoo's opaque ids) is only unique within its feed, so it is
 *   namespaced by source (`guid:<source>:`) to avoid cross-source collisions.
 * - Without a guid, the canonical link is the key; as a last resort, source + title.
 */
export function dedupeKeyFor(input: { sourceName: string; guid: string | null; link: string | null; title: string | null }): string {
  if (input.guid) {
    return isHttpUrl(input.guid) ? `url:${canonicalLink(input.guid)}` : `guid:${input.sourceName}:${input.guid}`;
  }
  if (input.link) return `url:${canonicalLink(input.link)}`;
  return `title:${input.sourceName}:${(input.title ?? "").toLowerCase()}`;
}

/**
 * Canonical form of an article URL: drops the fragment and tracking parameters (utm_*, fbclid...),
 * sorts the remaining query parameters. Non-URLs are returned trimmed.
 */
export function canonicalLink(link: string): string {
  let url: URL;
  try {
    url = new URL(link.trim());
  } catch {
    return link.trim();
  }
  url.hash = "";
  const kept = [...url.searchParams].filter(([key]) => !key.toLowerCase().startsWith("utm_") && !TRACKING_PARAMS.has(key.toLowerCase()));
  kept.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  url.search = new URLSearchParams(kept).toString();
  return url.toString();
}

function isHttpUrl(value: string): boolean {
  return /^https?:\/\//i.test(value);
}

function text(value: unknown): string | null {
  if (typeof value !== "string") return null;
  // Control characters (NUL above all: Postgres text rejects it) never belong in a headline.
  // eslint-disable-next-line no-control-regex -- the point: remove control characters
  const trimmed = value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "").trim();
  return trimmed === "" ? null : trimmed;
}

/** The link when it is an http(s) URL of sane length (a `javascript:` link is no article). */
function httpLink(value: string | null): string | null {
  if (value === null || value.length > 2_000) return null;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? value : null;
  } catch {
    return null;
  }
}

/** "example.com/markets/aapl-beats": a readable stand-in title from a URL. */
function titleFromLink(link: string): string {
  const url = new URL(link);
  const path = decodeURIComponentSafe(url.pathname).replace(/\/+$/, "");
  return truncate(`${url.hostname}${path}`, MAX_TITLE_CHARS)!;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Zone-less "2024-05-02 20:31:05", as Investing.com writes it (in GMT). */
const ZONELESS_TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/;

function toDate(value: string | null): Date | null {
  if (value === null) return null;
  // Read zone-less timestamps as UTC so the result does not depend on the host's TZ.
  const zoneless = ZONELESS_TIMESTAMP.exec(value);
  const date = new Date(zoneless ? `${zoneless[1]}T${zoneless[2]}Z` : value);
  const t = date.getTime();
  // Outside what Postgres stores and what a news date can be (year 275760 parses in JS): no date.
  return Number.isNaN(t) || t < Date.UTC(1970, 0, 1) || t > Date.now() + 366 * 86_400_000 ? null : date;
}

function stripTags(html: string): string {
  return (
    html
      // Script/style bodies are code, not prose: remove them with their tags.
      .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, " ")
      .replace(/<!--[\s\S]*?-->/g, " ")
      // Block-level tags separate words ("<p>a</p><p>b</p>" must not become "ab"); inline ones
      // must not ("NASDAQ:<a>AAPL</a>)" must stay "NASDAQ:AAPL)" for ticker extraction).
      .replace(/<\/?(?:p|div|br|hr|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|section|article|img|figure|figcaption)\b[^>]*>/gi, " ")
      .replace(/<\/?[a-zA-Z][^>]*>/g, "")
  );
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  ndash: "–",
  mdash: "—",
  hellip: "…",
  lsquo: "‘",
  rsquo: "’",
  ldquo: "“",
  rdquo: "”",
};

/** xml2js already decoded XML entities once; HTML inside CDATA still carries its own. */
function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (match, entity: string) => {
    if (entity[0] === "#") {
      const code = entity[1] === "x" || entity[1] === "X" ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : match;
    }
    return NAMED_ENTITIES[entity.toLowerCase()] ?? match;
  });
}

function collapse(value: string | null): string | null {
  if (value === null) return null;
  const collapsed = value.replace(/\s+/g, " ").trim();
  return collapsed === "" ? null : collapsed;
}

function truncate(value: string | null, max: number): string | null {
  if (value === null || value.length <= max) return value;
  // Cut at the last word boundary so the summary does not end mid-word.
  const cut = value.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
