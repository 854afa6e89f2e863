import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openDatabase } from "../../lib/server/platform/boot/database";
import { isAlive } from "../../lib/server/platform/db/embedded-postgres";
import { readPostmasterPid } from "../../lib/server/platform/db/postgres-process";
import { freePort } from "../../scripts/spawn-server";
import { removeDataDir } from "../helpers/data-dir";
import { waitFor } from "../helpers/wait";

function fail(output: string): never {
  throw new Error(`npm run db exited:\n${output}`);
}

const log = pino({ level: "silent" });

async function accepts(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  c.on("error", () => undefined);
  try {
    await c.connect();
    await c.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

function runDb(env: Record<string, string>, args: string[] = []): ChildProcess & { out: () => string } {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/db.ts", ...args], {
    env: { ...process.env, DATABASE_URL: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr!.on("data", (b: Buffer) => (out += b.toString()));
  return Object.assign(child, { out: () => out });
}

/**
 * Issue 12, item 2: `npm run db` runs the embedded Postgres on its own for several instances; an
 * instance uses it (or DATABASE_URL) and never stops a database it did not start.
 */
describe("npm run db and the instances that use it", () => {
  let dataDir: string;
  let env: Record<string, string>;
  let db: ReturnType<typeof runDb>;
  let url: string;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "perfpilot-db-"));
    fs.chmodSync(dataDir, 0o755);
    env = { PERFPILOT_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()) };
    db = runDb(env);
    url = await waitFor(() => /^DATABASE_URL=(\S+)$/m.exec(db.out())?.[1] ?? (db.exitCode !== null ? fail(db.out()) : null), {
      timeoutMs: 60_000,
      intervalMs: 100,
      message: "npm run db to print DATABASE_URL",
    });
  }, 90_000);
  afterAll(async () => {
    if (db.exitCode === null) {
      db.kill("SIGINT");
      await new Promise((r) => db.once("exit", r));
    }
    removeDataDir(dataDir);
  });

  it("prints the app role's DATABASE_URL (migrated) and how to stop it", async () => {
    expect(new URL(url).username).toBe("perfpilot");
    expect(new URL(url).port).toBe(env.EMBEDDED_PG_PORT);
    expect(db.out()).toMatch(/Stop it here with Ctrl-C/);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const migrations = await c.query<{ n: number }>("select count(*)::int n from _prisma_migrations");
    await c.end();
    expect(migrations.rows[0]!.n).toBeGreaterThan(0);
    const printed = spawnSync(process.execPath, ["--import", "tsx", "scripts/db.ts", "--url"], { env: { ...process.env, ...env } });
    expect(printed.status).toBe(0);
    expect(printed.stdout.toString().trim()).toBe(url);
  });

  it("an instance without DATABASE_URL on the same data dir uses it and does not stop it", async () => {
    const instance = await openDatabase(log, { dataDir, port: await freePort() });
    expect(instance.embedded).toBe(false);
    expect(instance.connectionString).toBe(url);
    expect(instance.description).toMatch(/127\.0\.0\.1:\d+\/perfpilot \(external: started by npm run db, pid \d+; this instance will not stop it\)/);
    await instance.stop();
    expect(await accepts(url)).toBe(true);
  });

  it("an instance with DATABASE_URL neither starts nor stops a database", async () => {
    const instance = await openDatabase(log, { databaseUrl: url, dataDir: path.join(dataDir, "unused"), port: 1 });
    expect(instance.embedded).toBe(false);
    expect(instance.description).toContain("external: DATABASE_URL");
    expect(fs.existsSync(path.join(dataDir, "unused"))).toBe(false);
    await instance.stop();
    expect(await accepts(url)).toBe(true);
  });

  it("warns at start when DATABASE_URL connects as a superuser, and only then", async () => {
    const warnings = async (databaseUrl: string) => {
      const lines: string[] = [];
      const capture = pino({ level: "warn" }, { write: (line: string) => void lines.push(line) });
      const instance = await openDatabase(capture, { databaseUrl, dataDir: path.join(dataDir, "unused"), port: 1 });
      await instance.stop();
      return lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
    };
    // The shared test cluster's superuser, then the app role of npm run db (not a superuser).
    const superuser = await warnings(inject("pgAdminUrl"));
    expect(superuser).toHaveLength(1);
    expect(superuser[0]).toMatch(/^DATABASE_URL connects as a superuser \(127\.0\.0\.1:\d+\/\w+\): .* Create a plain role/);
    expect(await warnings(url)).toEqual([]);
  });

  it("a second npm run db on the same data dir is refused with the way to get the URL", async () => {
    const second = runDb(env);
    const code = await new Promise<number | null>((r) => second.once("exit", r));
    expect(code).toBe(1);
    expect(second.out()).toMatch(/npm run db already runs the database of .* npm run db -- --url prints its DATABASE_URL/);
    expect(await accepts(url)).toBe(true);
  });

  it("Ctrl-C stops it cleanly: postgres stopped, the lock released", async () => {
    const pid = readPostmasterPid(path.join(dataDir, "postgres"))!.pid;
    db.kill("SIGINT");
    const code = await new Promise<number | null>((r) => db.once("exit", r));
    expect(code).toBe(0);
    expect(db.out()).toContain("PostgreSQL stopped.");
    expect(isAlive(pid)).toBe(false);
    expect(fs.existsSync(path.join(dataDir, "perfpilot.pid"))).toBe(false);
    expect(await accepts(url)).toBe(false);
  });
});

describe("an instance never takes the database of another instance", () => {
  let dataDir: string;
  let holder: ChildProcess;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "perfpilot-db-"));
    holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
  });
  afterAll(() => {
    holder.kill("SIGKILL");
    removeDataDir(dataDir);
  });

  it("refuses, naming npm run db, when a running npm start holds the data dir's embedded Postgres", async () => {
    fs.writeFileSync(path.join(dataDir, "perfpilot.pid"), JSON.stringify({ pid: holder.pid, role: "app" }));
    const failure = await openDatabase(log, { dataDir, port: await freePort() }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ name: "StartFailure", reason: "instance-lock" });
    expect((failure as Error).message).toContain(`Another Perfpilot instance (pid ${holder.pid})`);
    expect((failure as Error).message).toContain("npm run db");
  });

  it("takes over a lock whose holder is dead, starts its own Postgres and stops it at shutdown", { timeout: 60_000 }, async () => {
    fs.writeFileSync(path.join(dataDir, "perfpilot.pid"), JSON.stringify({ pid: 2 ** 22 + 1, role: "app" }));
    const instance = await openDatabase(log, { dataDir, port: await freePort() });
    expect(instance.embedded).toBe(true);
    expect(instance.description).toContain("embedded: started by this instance");
    expect(await accepts(instance.connectionString)).toBe(true);
    await instance.stop();
    expect(await accepts(instance.connectionString)).toBe(false);
    expect(fs.existsSync(path.join(dataDir, "perfpilot.pid"))).toBe(false);
  });

  it("says how to start the database when DATABASE_URL points at nothing", async () => {
    const port = await freePort();
    const failure = await openDatabase(log, { databaseUrl: `postgresql://perfpilot:x@127.0.0.1:${port}/perfpilot`, dataDir, port: 1 }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ name: "StartFailure", reason: "database-url" });
    expect((failure as Error).message).toBe(
      `Cannot connect to the database at 127.0.0.1:${port}/perfpilot (DATABASE_URL): nothing listens there. ` +
        `Start that database first (for Perfpilot's own: npm run db in another terminal), or correct DATABASE_URL.`,
    );
  });
});
