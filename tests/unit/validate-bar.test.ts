import { describe, expect, it } from "vitest";
import { validateRow } from "../../lib/market/import/validate-bar";

describe("import row rules", () => {
  it("accepts a clean row", () => {
    expect(validateRow("AAPL,2016-01-04,102.6,105.37,102.0,105.35,99.5,67649400.0")).toMatchObject({
      action: "accepted",
      bar: { symbol: "AAPL", close: 105.35 },
    });
  });
  it.each([
    ["CBS,2019-12-04,0.0,0.0,0.0,0.0,0.0,0.0", "all prices are zero"],
    ["AAPL,2016-01-04,1,2,1", "expected 8 columns, found 5"],
    ["aapl!,2016-01-04,1,2,1,1,1,1", 'invalid symbol "aapl!"'],
    ["AAPL,2016-02-30,1,2,1,1,1,1", 'invalid date "2016-02-30"'],
    ["AAPL,2016-01-04,abc,2,1,1,1,1", 'open is not a number ("abc")'],
    ["AAPL,2016-01-04,1,2,1,-1,1,1", "close is not positive (-1)"],
    ["AAPL,2016-01-04,1,2,1,1,1,-5", "volume is negative (-5)"],
    ["AAPL,2016-01-04,1.5,1,2,1.5,1.5,10", "high 1 is below low 2"],
  ])("rejects %s", (line, reason) => {
    expect(validateRow(line)).toMatchObject({ action: "rejected", reason });
  });
  it("repairs a close below the low by widening the range", () => {
    const v = validateRow("DXC,2018-06-01,92.0,93.0,91.5,91.0,91.0,100.0");
    expect(v).toMatchObject({ action: "repaired", bar: { low: 91, high: 93, close: 91 } });
    expect(v.action === "repaired" && v.reason).toBe("open/close outside the low–high range; widened the range (low 91.5 → 91)");
  });
  it("flags and keeps a zero-volume row", () => {
    expect(validateRow("AET,2018-11-29,200,201,199,200,200,0.0")).toMatchObject({ action: "flagged", bar: { volume: 0 } });
  });
});
