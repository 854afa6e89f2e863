const PROBE = "http://perfpilot.invalid";

/**
 * Keeps a `next` value to a path on this site: `/market?x=1` yes; `//evil.example`,
 * `/\evil.example`, `https://…` or anything not starting with `/` no — those would turn
 * sign-in into an open redirect. Pure, so the sign-in page and unit tests share it.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  // Control characters are dropped by URL parsers ("/\t/evil.example" becomes "//evil.example").
  // eslint-disable-next-line no-control-regex -- the point: reject control characters
  if (/[\u0000-\u001f\u007f]/.test(next)) return "/";
  // Last word to the URL parser browsers use: the path must stay on our origin.
  return new URL(next, PROBE).origin === PROBE ? next : "/";
}
