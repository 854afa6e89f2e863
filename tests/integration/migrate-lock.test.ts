import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../../lib/server/platform/db/migrate";
import { createTestDatabase } from "../helpers/db";

/** Prisma's schema engine serializes migrations with this session advisory lock (`pg_advisory_lock(72707369)`). */
const PRISMA_MIGRATION_LOCK = 72707369;

/**
 * Instances started together each apply the migrations at start: the one that migrates first must
 * let go of Prisma's migration lock when it is done, not when its idle connection times out 10 s
 * later (the others' engines give up after waiting 10 s, and their start fails).
 */
describe("applying migrations releases the migration lock", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db.drop());

  // Advisory locks are per database, and other test files migrate their own databases in the same
  // cluster at the same time: count only this database's holders and waiters.
  const lockHolders = async () =>
    (
      await db.pool.query<{ n: number }>(
        `select count(*)::int as n from pg_locks
          where locktype = 'advisory' and objid = $1 and database = (select oid from pg_database where datname = current_database())`,
        [PRISMA_MIGRATION_LOCK],
      )
    ).rows[0]!.n;

  it("holds no lock once applyMigrations has returned, so three instances starting together all migrate at once", async () => {
    expect(await applyMigrations(db.url)).toEqual([]);
    expect(await lockHolders()).toBe(0);
    const t0 = Date.now();
    const runs = await Promise.all([applyMigrations(db.url), applyMigrations(db.url), applyMigrations(db.url)]);
    expect(runs).toEqual([[], [], []]);
    // Each waits only for the others' runs (well under a second each here), never for an idle timeout.
    expect(Date.now() - t0).toBeLessThan(8_000);
    expect(await lockHolders()).toBe(0);
  });
});
