import { z } from "zod";
import { isoDateSchema, limitSchema } from "./params";

// The one paging convention of the API's lists (README "Paging"):
// - `?limit=` has a default and a hard maximum per list; above the maximum is a 422 naming `limit`
//   (never silently clamped: a client that asked for more must learn that it got less).
// - `?cursor=` is the previous page's `nextCursor`, unchanged; the answer keeps its keys and adds
//   `nextCursor` (null on the last page).
// - Keyset pagination: the cursor is the last row's sort key, and the next page is
//   `WHERE (key…) < (cursor…) ORDER BY key… LIMIT n + 1` (`>` ascending). No OFFSET: a page costs
//   the same at row 100,000 as at row 0, and rows inserted meanwhile neither repeat nor vanish.
// - The cursor is opaque to clients: base64url of `[list, …key]`. A cursor that does not decode
//   to a key of this list (garbage, edited, from another list) is a 422 naming `cursor`, never a
//   500: every part is checked against what its column can hold before it reaches Postgres.

/** What one part of a sort key is: a timestamp (as epoch ms), a calendar date, an integer id, or text. */
export type KeyKind = "time" | "date" | "int" | "text";

type KeyValue<K extends KeyKind> = K extends "time" ? Date : K extends "int" ? number : string;

/** A sort key's values, part by part. */
export type KeyValues<K extends readonly KeyKind[]> = { -readonly [I in keyof K]: KeyValue<K[I]> };

/** How one list is paged: its name in cursors, its sort key, the key's order, and its limits. */
export interface Paging<K extends readonly KeyKind[] = readonly KeyKind[]> {
  /** Names the list inside its cursors, so a cursor of another list is refused. */
  list: string;
  key: K;
  order: "asc" | "desc";
  defaultLimit: number;
  maxLimit: number;
}

/** Declares a list's paging (checked once, at import). */
export function paging<const K extends readonly KeyKind[]>(p: Paging<K>): Paging<K> {
  if (!(p.key.length > 0 && p.defaultLimit >= 1 && p.defaultLimit <= p.maxLimit)) throw new TypeError(`paging(${p.list}): bad key or limits`);
  return p;
}

// Cursors are small (a few key parts); anything longer is not one of ours.
const MAX_CURSOR_CHARS = 400;
const MAX_TEXT_PART = 200;
// Timestamps from 1970 to the end of year 9999: every row's time lies there, and Postgres holds
// all of them (JavaScript dates reach further back than Postgres' 4713 BC, which would be a 500).
const MAX_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
// eslint-disable-next-line no-control-regex -- NUL cannot reach Postgres text, nor other controls a key
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const CURSOR_MESSAGE = "not a cursor of this list: pass `nextCursor` of the previous page unchanged";

function encodePart(kind: KeyKind, v: unknown): unknown {
  if (kind === "time") return v instanceof Date ? v.getTime() : v;
  return v;
}

function decodePart(kind: KeyKind, v: unknown): { ok: true; value: unknown } | { ok: false } {
  switch (kind) {
    case "time":
      return typeof v === "number" && Number.isSafeInteger(v) && v >= 0 && v <= MAX_TIME_MS ? { ok: true, value: new Date(v) } : { ok: false };
    case "int":
      return typeof v === "number" && Number.isSafeInteger(v) ? { ok: true, value: v } : { ok: false };
    case "date":
      return typeof v === "string" && isoDateSchema.safeParse(v).success ? { ok: true, value: v } : { ok: false };
    case "text":
      return typeof v === "string" && v.length <= MAX_TEXT_PART && !CONTROL_CHARS.test(v) ? { ok: true, value: v } : { ok: false };
  }
}

/** The cursor of a row whose sort key is `key`. */
export function encodeCursor<K extends readonly KeyKind[]>(p: Paging<K>, key: KeyValues<K>): string {
  const parts = (key as unknown[]).map((v, i) => encodePart(p.key[i]!, v));
  return Buffer.from(JSON.stringify([p.list, ...parts]), "utf8").toString("base64url");
}

/** The sort key a cursor of this list holds; null for anything else. Never throws. */
export function decodeCursor<K extends readonly KeyKind[]>(p: Paging<K>, cursor: string): KeyValues<K> | null {
  if (cursor.length > MAX_CURSOR_CHARS || !BASE64URL.test(cursor)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(cursor, "base64url")));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== p.key.length + 1 || parsed[0] !== p.list) return null;
  const out: unknown[] = [];
  for (let i = 0; i < p.key.length; i++) {
    const part = decodePart(p.key[i]!, parsed[i + 1]);
    if (!part.ok) return null;
    out.push(part.value);
  }
  return out as KeyValues<K>;
}

/** `?cursor=`: decoded into the list's sort key; anything else is a 422 naming `cursor`. */
export function cursorSchema<K extends readonly KeyKind[]>(p: Paging<K>) {
  return z
    .string()
    .max(MAX_CURSOR_CHARS, { abort: true })
    .refine((s) => decodeCursor(p, s) !== null, CURSOR_MESSAGE)
    .meta({ description: "`nextCursor` of the previous page, unchanged (opaque)." })
    .transform((s) => decodeCursor(p, s)!);
}

/** The `limit` and `cursor` fields of a list's query schema (spread them into it). */
export function pageQuery<K extends readonly KeyKind[]>(p: Paging<K>) {
  return { limit: limitSchema(p.maxLimit, p.defaultLimit), cursor: cursorSchema(p).optional() };
}

const QUERY_SCHEMAS = new WeakMap<Paging, z.ZodObject>();

/**
 * The query schema of a list without filters (`limit` and `cursor` only): one object per list, so
 * the route that validates with it and the API contract that documents it share the same schema.
 */
export function pageQuerySchema<K extends readonly KeyKind[]>(p: Paging<K>) {
  const make = () => z.object(pageQuery(p));
  let s = QUERY_SCHEMAS.get(p) as ReturnType<typeof make> | undefined;
  if (!s) QUERY_SCHEMAS.set(p, (s = make()));
  return s;
}

/** The field every paged answer adds to its keys. */
export const nextCursorField = {
  nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` to get the next page; null on the last page." }),
};

/**
 * The keyset condition of the page after `cursor`: `(a, b) < ($3, $4)` for a descending list,
 * `>` for an ascending one, `true` for the first page. `columns` are the SQL expressions of the
 * sort key (the same the query orders by); the values are appended to `params`.
 */
export function afterCursor<K extends readonly KeyKind[]>(
  p: Paging<K>,
  columns: readonly string[],
  cursor: KeyValues<K> | undefined,
  params: unknown[],
): string {
  if (columns.length !== p.key.length) throw new TypeError(`afterCursor(${p.list}): ${columns.length} columns for a key of ${p.key.length}`);
  if (!cursor) return "true";
  // Typed placeholders: an untyped one next to an integer column would be read as int4, and a
  // bigint id beyond it would fail in Postgres rather than here.
  const cast: Record<KeyKind, string> = { time: "", date: "::date", int: "::bigint", text: "::text" };
  const placeholders = (cursor as unknown[]).map((v, i) => `$${params.push(v)}${cast[p.key[i]!]}`);
  return `(${columns.join(", ")}) ${p.order === "desc" ? "<" : ">"} (${placeholders.join(", ")})`;
}

/** One page of a list: the rows and the cursor of the next page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * The page from `rows` fetched with `LIMIT limit + 1`: the first `limit` rows, and a cursor when
 * the extra row shows that more follow (so the last page never costs a request that finds nothing).
 */
export function pageOf<T, K extends readonly KeyKind[]>(p: Paging<K>, rows: T[], limit: number, keyOf: (row: T) => KeyValues<K>): Page<T> {
  if (rows.length <= limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, limit);
  return { items, nextCursor: encodeCursor(p, keyOf(items[items.length - 1]!)) };
}
