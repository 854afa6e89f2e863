/**
 * Data access, measured: Prisma Client (over the same pg pool, through @prisma/adapter-pg) against
 * a typed raw query for the product's typical reads and writes — the figures behind the README's
 * "Data access" decision. Reads the `optimization` table (the API's most frequent CRUD read) and
 * writes audit rows in a transaction (every state change writes one).
 *
 * Usage: called by bench/run.ts with the bench's pool.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { PrismaClient } from "../lib/generated/prisma/client";

export interface DataAccessBenchResult {
  reads: number;
  prismaFindUniqueUs: number;
  rawSelectUs: number;
  writes: number;
  prismaTxWriteUs: number;
  rawTxWriteUs: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function benchDataAccess(pool: pg.Pool, reads = 2_000, writes = 300): Promise<DataAccessBenchResult> {
  await pool.query(
    `insert into operation (name, service, title, side_effects, idempotent) values ('bench.read', 'bench', 'bench', false, false) on conflict do nothing`,
  );
  await pool.query(
    `insert into optimization (id, operation_name, strategy, seed) values ('bench.read:memory', 'bench.read', 'memory', 1) on conflict do nothing`,
  );
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  try {
    const time = async (n: number, fn: () => Promise<unknown>) => {
      for (let i = 0; i < 50; i++) await fn(); // warm-up
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await fn();
        out.push((performance.now() - t0) * 1000);
      }
      return median(out);
    };
    // Interleaved in one run so load changes hit both alike.
    const prismaRead = () => prisma.optimization.findUnique({ where: { id: "bench.read:memory" } });
    const rawRead = () => pool.query<{ id: string; state: string }>("select * from optimization where id = $1", ["bench.read:memory"]);
    const prismaWrite = () =>
      prisma.$transaction([
        prisma.auditEvent.create({ data: { actor: "bench", actorRole: "system", action: "bench.write", subjectType: "bench", subjectId: "x" } }),
      ]);
    const rawWrite = async () => {
      const c = await pool.connect();
      try {
        await c.query("begin");
        await c.query("insert into audit_event (actor, actor_role, action, subject_type, subject_id) values ($1, $2, $3, $4, $5)", [
          "bench",
          "system",
          "bench.write",
          "bench",
          "x",
        ]);
        await c.query("commit");
      } finally {
        c.release();
      }
    };
    const [pr, rr, pw, rw] = [await time(reads, prismaRead), await time(reads, rawRead), await time(writes, prismaWrite), await time(writes, rawWrite)];
    await pool.query("delete from audit_event where action = 'bench.write'");
    return { reads, prismaFindUniqueUs: pr, rawSelectUs: rr, writes, prismaTxWriteUs: pw, rawTxWriteUs: rw };
  } finally {
    await prisma.$disconnect();
  }
}

if (process.argv[1] && import.meta.url === (await import("node:url")).pathToFileURL(process.argv[1]).href) {
  const fs = await import("node:fs");
  const os = await import("node:os");
  const path = await import("node:path");
  const { startEmbeddedPostgres } = await import("../lib/server/platform/db/embedded-postgres");
  const { applyMigrations } = await import("../lib/server/platform/db/migrate");
  const { createPool } = await import("../lib/server/platform/db/pool");
  const { freePort } = await import("../scripts/spawn-server");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "perfpilot-da-"));
  fs.chmodSync(tmp, 0o755);
  const db = await startEmbeddedPostgres({ dataDir: path.join(tmp, "pg"), port: await freePort(), database: "bench" });
  try {
    await applyMigrations(db.connectionString);
    const pool = createPool(db.connectionString, 4);
    console.log(JSON.stringify(await benchDataAccess(pool), null, 2));
    await pool.end();
  } finally {
    await db.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  process.exit(0);
}
