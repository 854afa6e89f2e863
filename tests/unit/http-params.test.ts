// The shared string schemas of the API (lib/server/platform/http/params.ts): what the fuzzer of
// the hardening review sent, and what real clients send.
import { describe, expect, it } from "vitest";
import { instantQuerySchema, isoDateSchema, isoTime, limitSchema, safeText } from "@/lib/server/platform/http/params";

describe("safeText", () => {
  const s = safeText({ max: 10 });
  const notes = safeText({ min: 1, max: 100, multiline: true });

  it("refuses NUL and other control characters", () => {
    for (const bad of ["a\u0000b", "\u0000", "\u001b[31m", "a\u007fb", "a\nb"]) expect(s.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });

  it("allows line breaks and tabs only in multi-line text, and trims", () => {
    expect(notes.parse("  line 1\n\tline 2\r\n ")).toBe("line 1\n\tline 2");
    expect(notes.safeParse("a\u0000").success).toBe(false);
    expect(notes.safeParse("   ").success).toBe(false);
  });

  it("bounds the length", () => {
    expect(s.safeParse("x".repeat(11)).success).toBe(false);
    expect(s.parse("ünïcødé ✓")).toBe("ünïcødé ✓");
  });
});

describe("isoDateSchema", () => {
  it("accepts real calendar dates, leap days included", () => {
    for (const d of ["2016-02-29", "2019-12-31", "2000-02-29"]) expect(isoDateSchema.parse(d)).toBe(d);
  });

  it("refuses impossible dates and years outside 1900–2200, without throwing", () => {
    for (const d of [
      "2016-02-30",
      "2015-02-29",
      "1900-02-29",
      "9999-99-99",
      "0000-00-00",
      "2019-13-01",
      "2019-04-31",
      "1899-12-31",
      "",
      "2016-2-3",
      "+275760-09-13",
    ]) {
      expect(isoDateSchema.safeParse(d).success, d).toBe(false);
    }
  });
});

describe("isoTime and instantQuerySchema", () => {
  it("read ISO date-times with an offset as the right instant", () => {
    expect(isoTime.parse("2026-01-31T12:00:00Z")).toBe(Date.UTC(2026, 0, 31, 12));
    expect(isoTime.parse("2026-01-31T12:00:00.123+01:00")).toBe(Date.UTC(2026, 0, 31, 11, 0, 0, 123));
    expect(instantQuerySchema.parse(new Date(Date.UTC(2026, 10, 30, 7)).toISOString()).getTime()).toBe(Date.UTC(2026, 10, 30, 7));
    expect(instantQuerySchema.parse("2019-06-03").getTime()).toBe(Date.UTC(2019, 5, 3));
  });

  it("refuse six-digit and negative years, impossible dates and times, and free text", () => {
    for (const t of [
      "+275760-09-13T00:00:00.000Z",
      "-271821-04-20T00:00:00Z",
      "2016-02-30T00:00:00Z",
      "2016-02-29T24:00:00Z",
      "9999-99-99",
      "yesterday",
      "1700000000000",
      "",
    ]) {
      expect(isoTime.safeParse(t).success, t).toBe(false);
      expect(instantQuerySchema.safeParse(t).success, t).toBe(false);
    }
    // A date alone is a range bound in a query, not an instant in a body.
    expect(isoTime.safeParse("2019-06-03").success).toBe(false);
  });
});

describe("limitSchema", () => {
  const limit = limitSchema(500, 50);
  it("defaults, and takes plain integers in range only", () => {
    expect(limit.parse(undefined)).toBe(50);
    expect(limit.parse("500")).toBe(500);
    for (const bad of ["0", "501", "-1", "1e400", "1.5", "0x10", "Infinity", "NaN", "", "99999999999999999999999"])
      expect(limit.safeParse(bad).success, bad).toBe(false);
  });
});
