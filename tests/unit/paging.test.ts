// The paging convention's parts (lib/server/platform/http/paging.ts): cursors that round-trip, the
// key parts each kind accepts (nothing Postgres cannot hold gets through), the keyset condition
// and the page cut. The routes' behaviour end to end is in tests/integration/paging.test.ts.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { afterCursor, decodeCursor, encodeCursor, pageOf, pageQuery, pageQuerySchema, paging } from "@/lib/server/platform/http/paging";

const events = paging({ list: "events", key: ["time", "int"], order: "desc", defaultLimit: 20, maxLimit: 100 });
const bars = paging({ list: "bars", key: ["date"], order: "desc", defaultLimit: 5, maxLimit: 10 });
const users = paging({ list: "users", key: ["time", "text"], order: "asc", defaultLimit: 5, maxLimit: 10 });
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

describe("cursors", () => {
  it("round-trip every kind of key part, and are URL-safe", () => {
    const at = new Date("2026-01-31T12:34:56.789Z");
    const c = encodeCursor(events, [at, 9_007_199_254_740_991]);
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(events, c)).toEqual([at, 9_007_199_254_740_991]);
    expect(decodeCursor(bars, encodeCursor(bars, ["2016-02-29"]))).toEqual(["2016-02-29"]);
    expect(decodeCursor(users, encodeCursor(users, [at, "ünïcødé id ✓"]))).toEqual([at, "ünïcødé id ✓"]);
  });

  it("are refused by another list, even with the same key kinds", () => {
    const other = paging({ ...events, list: "other" });
    expect(decodeCursor(other, encodeCursor(events, [new Date(0), 1]))).toBeNull();
  });

  it("refuse every part its column could not hold, without throwing", () => {
    const bad: [typeof events | typeof bars | typeof users, unknown[]][] = [
      [events, ["events", -1, 1]], // before 1970
      [events, ["events", Date.UTC(10000, 0, 1), 1]], // after year 9999
      [events, ["events", -8.64e15, 1]], // a JavaScript date Postgres has not (271821 BC)
      [events, ["events", 1.5, 1]],
      [events, ["events", "2026-01-01T00:00:00Z", 1]], // times travel as epoch ms
      [events, ["events", 0, 2 ** 53]], // beyond a safe integer
      [events, ["events", 0, "1"]],
      [events, ["events", 0]], // a part missing
      [events, ["events", 0, 1, 2]], // a part too many
      [bars, ["bars", "2016-02-30"]],
      [bars, ["bars", "9999-99-99"]],
      [bars, ["bars", 20160229]],
      [users, ["users", 0, "a\u0000b"]],
      [users, ["users", 0, "\u001b[31m"]],
      [users, ["users", 0, "x".repeat(201)]],
      [users, ["users", 0, null]],
    ];
    for (const [p, v] of bad) expect(decodeCursor(p as typeof events, b64(v)), JSON.stringify(v)).toBeNull();
    for (const junk of ["", "garbage!", "%FF", "e30", b64("events"), b64({ 0: "events" }), "A".repeat(401), Buffer.from([0xff, 0xfe]).toString("base64url")])
      expect(decodeCursor(events, junk), junk).toBeNull();
  });
});

describe("the query fields", () => {
  const q = z.object(pageQuery(events));

  it("default the limit and take a cursor", () => {
    expect(q.parse({})).toEqual({ limit: 20 });
    const c = encodeCursor(events, [new Date(5), 7]);
    expect(q.parse({ limit: "100", cursor: c })).toEqual({ limit: 100, cursor: [new Date(5), 7] });
  });

  it("refuse a limit above the maximum (not clamped) and a bad cursor, naming each field once", () => {
    for (const [input, field] of [
      [{ limit: "101" }, "limit"],
      [{ limit: "0" }, "limit"],
      [{ cursor: "nope" }, "cursor"],
      [{ cursor: "x".repeat(5000) }, "cursor"],
    ] as const) {
      const r = q.safeParse(input);
      expect(r.success).toBe(false);
      expect(r.error!.issues.map((i) => i.path.join("."))).toEqual([field]);
    }
  });

  it("is one schema object per list (the route and the contract share it)", () => {
    expect(pageQuerySchema(events)).toBe(pageQuerySchema(events));
    expect(pageQuerySchema(events)).not.toBe(pageQuerySchema(bars));
  });
});

describe("the keyset condition and the page cut", () => {
  it("is `true` on the first page, `<` descending and `>` ascending, with typed placeholders after the caller's", () => {
    const params: unknown[] = ["op"];
    expect(afterCursor(events, ["at", "id"], undefined, params)).toBe("true");
    expect(params).toEqual(["op"]);
    expect(afterCursor(events, ["at", "id"], [new Date(1), 2], params)).toBe("(at, id) < ($2, $3::bigint)");
    expect(params).toEqual(["op", new Date(1), 2]);
    expect(afterCursor(users, ["u.created_at", "u.id"], [new Date(1), "a"], [])).toBe("(u.created_at, u.id) > ($1, $2::text)");
    expect(afterCursor(bars, ["date"], ["2016-02-29"], [])).toBe("(date) < ($1::date)");
    expect(() => afterCursor(events, ["at"], undefined, [])).toThrow(TypeError);
  });

  it("cuts limit + 1 rows to limit, with the cursor of the last row kept; fewer rows end the list", () => {
    const rows = [5, 4, 3].map((n) => ({ at: new Date(n), id: n }));
    const page = pageOf(events, rows, 2, (r) => [r.at, r.id]);
    expect(page.items).toEqual(rows.slice(0, 2));
    expect(decodeCursor(events, page.nextCursor!)).toEqual([new Date(4), 4]);
    expect(pageOf(events, rows, 3, (r) => [r.at, r.id])).toEqual({ items: rows, nextCursor: null });
    expect(pageOf(events, [], 3, (r: (typeof rows)[number]) => [r.at, r.id])).toEqual({ items: [], nextCursor: null });
  });

  it("checks a list's declaration", () => {
    expect(() => paging({ list: "x", key: [], order: "asc", defaultLimit: 1, maxLimit: 1 })).toThrow(TypeError);
    expect(() => paging({ list: "x", key: ["int"], order: "asc", defaultLimit: 11, maxLimit: 10 })).toThrow(TypeError);
  });
});
