import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importPrices } from "../../lib/server/domains/market/import-prices";
import { createTestDatabase } from "../helpers/db";

const FILE = path.resolve("data/sp500-daily-2015-2019.csv.gz");

// The template database was imported by the global setup with this same importer; these tests
// check what it stored against the data set's known defects (../shared/data/README.md).
describe("price importer on the real data set", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("stores every accepted bar and accounts for every row read", async () => {
    const run = (await db.pool.query("select * from import_run where status = 'completed'")).rows[0];
    expect(run.rows_read).toBe(592_358);
    const bars = Number((await db.pool.query("select count(*) as n from price_bar")).rows[0].n);
    expect(bars).toBe(run.rows_accepted + run.rows_repaired);
    expect(run.rows_accepted + run.rows_repaired + run.rows_rejected).toBe(run.rows_read);
    expect(Number((await db.pool.query("select count(*) as n from symbol")).rows[0].n)).toBe(482);
  });

  it("rejects the all-zero CBS row and keeps CBS's real bar of that day", async () => {
    const issue = (await db.pool.query("select * from import_issue where symbol = 'CBS' and date = '2019-12-04'")).rows;
    expect(issue).toEqual([expect.objectContaining({ action: "rejected", reason: "all prices are zero" })]);
    const bar = (await db.pool.query("select close from price_bar where symbol = 'CBS' and date = '2019-12-04'")).rows;
    expect(bar).toHaveLength(1);
    expect(bar[0].close).toBeGreaterThan(0);
  });

  it("repairs DXC 2018-06-01 (close below low) by widening the range, and says so", async () => {
    const issue = (await db.pool.query("select * from import_issue where symbol = 'DXC' and date = '2018-06-01'")).rows[0];
    expect(issue.action).toBe("repaired");
    expect(issue.reason).toMatch(/widened the range \(low .* → /);
    const bar = (await db.pool.query("select low, high, close, open from price_bar where symbol = 'DXC' and date = '2018-06-01'")).rows[0];
    expect(bar.low).toBeLessThanOrEqual(bar.close);
    expect(bar.low).toBeLessThanOrEqual(bar.open);
    expect(bar.high).toBeGreaterThanOrEqual(bar.close);
  });

  it("flags zero-volume rows (halts) but keeps them, and rejects duplicate symbol/date rows", async () => {
    const flagged = (await db.pool.query("select count(*)::int as n from import_issue where action = 'flagged' and reason like 'zero volume%'")).rows[0].n;
    // 435 rows have volume 0; one of them is the all-zero CBS row, which is rejected instead.
    expect(flagged).toBe(434);
    const zeroVolumeBars = (await db.pool.query("select count(*)::int as n from price_bar where volume = 0")).rows[0].n;
    expect(zeroVolumeBars).toBe(434);
    const dups = (await db.pool.query("select symbol, date from import_issue where reason = 'duplicate symbol and date' order by symbol")).rows;
    expect(dups).toEqual([
      { symbol: "STI", date: "2019-12-06" },
      { symbol: "VIAB", date: "2019-12-04" },
    ]);
  });

  it("keeps short-history symbols (SNI has 2 bars)", async () => {
    const sni = (await db.pool.query("select bar_count from symbol where symbol = 'SNI'")).rows[0];
    expect(sni.bar_count).toBe(2);
  });

  it("is idempotent: the same file is skipped, and a forced re-import duplicates nothing", async () => {
    const again = await importPrices(db.pool, FILE);
    expect(again.skipped).toBe(true);
    const before = Number((await db.pool.query("select count(*) as n from price_bar")).rows[0].n);
    const forced = await importPrices(db.pool, FILE, { force: true });
    expect(forced.skipped).toBe(false);
    expect(forced.rowsRejected).toBe(3);
    expect(Number((await db.pool.query("select count(*) as n from price_bar")).rows[0].n)).toBe(before);
  }, 120_000);
});
