/**
 * Tickers that are also everyday English words or finance acronyms. As bare uppercase
 * tokens they are far more often prose ("ALL", "NOW", "LOW") or jargon ("CEO", "EPS") than the
 * company, so they only count with an explicit `$` or exchange prefix.
 * (Tokens of length <= 2 are excluded from bare matching regardless of this list.)
 */
export const TICKER_STOPLIST: ReadonlySet<string> = new Set([
  // Real tickers that are common words (the brief's list plus the usual suspects).
  "ALL",
  "ARE",
  "CAN",
  "NOW",
  "KEY",
  "BIG",
  "FAST",
  "LOW",
  "HAS",
  "FOR",
  "ONE",
  "NEW",
  "OUT",
  "RUN",
  "SEE",
  "WELL",
  "LIFE",
  "PLAY",
  "FUN",
  "LOVE",
  "REAL",
  "SAFE",
  "HOME",
  "CASH",
  "GOLD",
  "CAR",
  "AIR",
  "WIN",
  "OPEN",
  "BOX",
  "NEXT",
  "BEST",
  "TRUE",
  "PEAK",
  "MAIN",
  "EAT",
  "TWO",
  "AND",
  "THE",
  "BUT",
  "NOT",
  "YOU",
  "WAS",
  "HIS",
  "HER",
  "OUR",
  "ANY",
  "WAY",
  "GOOD",
  "FREE",
  "JOB",
  "MAN",
  "CAT",
  "DOG",
  "SUN",
  "TECH",
  "EDIT",
  "PLUS",
  "NICE",
  "HOPE",
  "MOVE",
  "RIDE",
  // Finance/news acronyms that collide with real symbols.
  "CEO",
  "CFO",
  "CTO",
  "COO",
  "IPO",
  "ETF",
  "EPS",
  "GDP",
  "CPI",
  "PPI",
  "PMI",
  "FED",
  "SEC",
  "USD",
  "EUR",
  "GBP",
  "JPY",
  "CNY",
  "FOMC",
  "ECB",
  "BOE",
  "BOJ",
  "OPEC",
  "NYSE",
  "NASDAQ",
  "USA",
  "API",
  "ESG",
  "LLC",
  "INC",
  "LTD",
  "PLC",
  "CORP",
  "NEWS",
  "UPDATE",
  "RPT",
  "BUY",
  "SELL",
  "HOLD",
]);

/** US exchange labels seen in wire copy: "(NASDAQ: AAPL)", "NYSE:IBM", "(NYSE American: XYZ)". */
const EXCHANGE = String.raw`(?:NASDAQ(?:GS|GM|CM)?|NYSE(?:\s*(?:American|Arca|MKT))?|NYSEARCA|NYSEAMERICAN|AMEX|BATS|CBOE|OTC(?:MKTS|QX|QB)?)`;
/** Symbol shape: 1–6 alphanumerics starting with a letter, optional class suffix (BRK.B, BF-B). */
const SYMBOL = String.raw`[A-Z][A-Z0-9]{0,5}(?:[.-][A-Z0-9]{1,2})?`;

const CASHTAG_RE = new RegExp(String.raw`(?<![A-Za-z0-9$])\$(${SYMBOL})(?![A-Za-z0-9])`, "g");
const EXCHANGE_RE = new RegExp(String.raw`\b${EXCHANGE}\s*:\s*(${SYMBOL})(?![A-Za-z0-9])`, "gi");
const BARE_RE = new RegExp(String.raw`(?<![A-Za-z0-9$:.-])(${SYMBOL})(?![A-Za-z0-9])`, "g");

/**
 * Extracts ticker mentions from free text. Unique and sorted.
 * - `$AAPL` and exchange-prefixed mentions (`(NASDAQ: AAPL)`, `NYSE:IBM`) are explicit and count
 *   even outside `universe` (decision: an explicit mention is strong evidence; callers that need
 *   only known symbols can filter).
 * - Bare uppercase tokens count only if they are in `universe`, are 3+ characters and not in
 *   {@link TICKER_STOPLIST}. They are also ignored altogether in mostly-uppercase ("shouting")
 *   text, where every word looks like a ticker.
 */
export function extractTickers(text: string, universe: ReadonlySet<string>): string[] {
  const found = new Set<string>();

  for (const match of text.matchAll(CASHTAG_RE)) found.add(match[1]!);
  // The exchange label is matched case-insensitively ("Nasdaq: AAPL"), but the symbol itself
  // must be written in uppercase, otherwise "NYSE: shares fell" would yield "SHARES".
  for (const match of text.matchAll(EXCHANGE_RE)) {
    const symbol = match[1]!;
    if (symbol === symbol.toUpperCase()) found.add(symbol);
  }

  if (universe.size > 0 && !isMostlyUppercase(text)) {
    for (const match of text.matchAll(BARE_RE)) {
      const token = match[1]!;
      if (token.length > 2 && !TICKER_STOPLIST.has(token) && universe.has(token)) found.add(token);
    }
  }

  return [...found].sort();
}

function isMostlyUppercase(text: string): boolean {
  const words = text.match(/[A-Za-z]{3,}/g) ?? [];
  if (words.length < 4) return false;
  const upper = words.filter((w) => w === w.toUpperCase()).length;
  return upper / words.length > 0.6;
}
