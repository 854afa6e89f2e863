import { execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { PgBoss } from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { isAlive, startEmbeddedPostgres, type EmbeddedPostgresHandle } from "../../lib/server/platform/db/embedded-postgres";
import { applyMigrations } from "../../lib/server/platform/db/migrate";
import { binaries, ensurePostgresUser, readPostmasterPid, spawnPostmaster, stopPostmaster } from "../../lib/server/platform/db/postgres-process";
import { BOSS_OPTIONS } from "../../lib/server/platform/queue/boss-options";
import { freePort } from "../../scripts/spawn-server";

/**
 * The embedded Postgres is no longer an open door (issue 11, item 1): any local account used to log
 * in as the superuser postgres/postgres and run `COPY … TO PROGRAM` as the database's OS user.
 */

/** The authentication the server asks of a new connection (the first `R` message's code), no password sent. */
function authRequest(port: number, user: string, database: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const params = Buffer.from(`user\0${user}\0database\0${database}\0\0`);
    const startup = Buffer.alloc(8 + params.length);
    startup.writeInt32BE(startup.length, 0);
    startup.writeInt32BE(196608, 4); // protocol 3.0
    params.copy(startup, 8);
    const socket = net.connect(port, "127.0.0.1", () => socket.write(startup));
    socket.once("data", (b) => {
      socket.destroy();
      if (b[0] !== 0x52) return reject(new Error(`expected an authentication request, got ${String.fromCharCode(b[0]!)}: ${b.toString("latin1")}`));
      resolve(b.readInt32BE(5));
    });
    socket.once("error", reject);
  });
}

const AUTH_SASL = 10; // SCRAM; 0 would be "no password needed", 3 a cleartext password

async function connectError(url: string): Promise<string | undefined> {
  const c = new pg.Client({ connectionString: url });
  c.on("error", () => undefined);
  try {
    await c.connect();
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  } finally {
    await c.end().catch(() => undefined);
  }
}

function withPassword(url: string, password: string): string {
  const u = new URL(url);
  u.password = password;
  return u.toString();
}

describe("the embedded Postgres is locked down (test cluster, made like npm start's)", () => {
  const adminUrl = inject("pgAdminUrl");
  const appUrl = inject("pgAppUrl");
  const port = Number(new URL(adminUrl).port);
  let app: pg.Client;
  beforeAll(async () => {
    app = new pg.Client({ connectionString: appUrl });
    await app.connect();
  });
  afterAll(async () => app.end());

  it("asks every connection for a scram password and refuses the old default and wrong ones", async () => {
    expect(await authRequest(port, "postgres", "postgres")).toBe(AUTH_SASL);
    expect(await authRequest(port, "perfpilot", "perfpilot_template")).toBe(AUTH_SASL);
    expect(await connectError(withPassword(adminUrl, "postgres"))).toBe("28P01");
    expect(await connectError(withPassword(appUrl, "wrong-password"))).toBe("28P01");
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      const rules = await admin.query<{ type: string; auth_method: string }>("select type, auth_method from pg_hba_file_rules");
      expect(rules.rows.length).toBeGreaterThan(0);
      expect(new Set(rules.rows.map((r) => r.auth_method))).toEqual(new Set(["scram-sha-256"]));
      expect(rules.rows.some((r) => r.type === "local")).toBe(true);
      const listen = await admin.query<{ a: string; s: string }>("select current_setting('listen_addresses') a, current_setting('unix_socket_directories') s");
      expect(listen.rows[0]).toEqual({ a: "127.0.0.1", s: "" });
    } finally {
      await admin.end();
    }
  });

  it("connects the app as a plain role that cannot run programs or read server files", async () => {
    const role = await app.query<{ user: string; rolsuper: boolean; rolcreaterole: boolean; rolcreatedb: boolean; rolreplication: boolean }>(
      "select current_user as user, rolsuper, rolcreaterole, rolcreatedb, rolreplication from pg_roles where rolname = current_user",
    );
    expect(role.rows[0]).toEqual({ user: "perfpilot", rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolreplication: false });
    await expect(app.query("copy (select 1) to program 'true'")).rejects.toMatchObject({ code: "42501" });
    await expect(app.query("select pg_read_file('/etc/passwd')")).rejects.toMatchObject({ code: "42501" });
    await expect(app.query("alter system set listen_addresses = '*'")).rejects.toMatchObject({ code: "42501" });
    await expect(app.query("create role intruder superuser")).rejects.toMatchObject({ code: "42501" });
    // It owns its database and what is in it.
    const owner = await app.query<{ owner: string }>("select pg_get_userbyid(datdba) as owner from pg_database where datname = current_database()");
    expect(owner.rows[0]!.owner).toBe("perfpilot");
  });

  it("keeps the passwords in a file only its owner can read", () => {
    const file = inject("pgCredentialsFile");
    const st = fs.statSync(file);
    expect(st.mode & 0o777).toBe(0o600);
    expect(st.uid).toBe(process.getuid!());
    const creds = JSON.parse(fs.readFileSync(file, "utf8")) as { superuser: { password: string }; app: { user: string; password: string } };
    expect(creds.app.user).toBe("perfpilot");
    expect(creds.superuser.password).not.toBe("postgres");
    expect(creds.superuser.password.length).toBeGreaterThanOrEqual(32);
  });

  it.skipIf(process.getuid?.() !== 0)(
    "leaves another local OS user (nobody) without the password: the file is closed to it and the server asks for one",
    async () => {
      const script = `
      const fs = require("node:fs"), net = require("node:net");
      let read = "read";
      try { fs.readFileSync(${JSON.stringify(inject("pgCredentialsFile"))}); } catch (e) { read = e.code; }
      const p = Buffer.from("user\\0postgres\\0database\\0postgres\\0\\0"), s = Buffer.alloc(8 + p.length);
      s.writeInt32BE(s.length, 0); s.writeInt32BE(196608, 4); p.copy(s, 8);
      const c = net.connect(${port}, "127.0.0.1", () => c.write(s));
      c.once("data", (b) => { console.log(JSON.stringify({ uid: process.getuid(), read, auth: b.readInt32BE(5) })); c.destroy(); });`;
      const out = execFileSync(process.execPath, ["-e", script], { uid: 65534, gid: 65534, cwd: "/" }).toString();
      expect(JSON.parse(out)).toEqual({ uid: 65534, read: "EACCES", auth: AUTH_SASL });
    },
  );
});

describe("a cluster made by an older version (superuser postgres/postgres, no credentials file) is upgraded on start", () => {
  let tmp: string;
  let port: number;
  let handle: EmbeddedPostgresHandle | null = null;
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "perfpilot-legacy-"));
    fs.chmodSync(tmp, 0o755);
    port = await freePort();
  });
  afterAll(async () => {
    await handle?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("gets new passwords, an app role owning every object, and scram-only access; the app then works as that role", { timeout: 90_000 }, async () => {
    // The older version's cluster, made the way it made it: initdb --auth=password with postgres/postgres,
    // then the app connected as the superuser (migrations, pg-boss) so everything is owned by postgres.
    const clusterDir = path.join(tmp, "postgres");
    const ids = ensurePostgresUser();
    const bin = await binaries();
    fs.mkdirSync(clusterDir, { mode: 0o700 });
    if (ids) fs.chownSync(clusterDir, ids.uid, ids.gid);
    const pwfile = path.join(tmp, "pw");
    fs.writeFileSync(pwfile, "postgres\n", { mode: 0o600 });
    if (ids) fs.chownSync(pwfile, ids.uid, ids.gid);
    execFileSync(bin.initdb, [`--pgdata=${clusterDir}`, "--auth=password", "--username=postgres", `--pwfile=${pwfile}`, "--encoding=UTF8", "--no-sync"], {
      stdio: "ignore",
      ...(ids ?? {}),
    });
    const old = spawnPostmaster(bin.postgres, clusterDir, port, path.join(tmp, "postgres.log"), ids);
    await expect.poll(() => readPostmasterPid(clusterDir)?.status, { timeout: 20_000 }).toBe("ready");
    const legacyUrl = `postgresql://postgres:postgres@127.0.0.1:${port}`;
    const setup = new pg.Client({ connectionString: `${legacyUrl}/postgres` });
    await setup.connect();
    await setup.query("create database perfpilot");
    await setup.end();
    await applyMigrations(`${legacyUrl}/perfpilot`);
    const oldBoss = new PgBoss({ connectionString: `${legacyUrl}/perfpilot`, ...BOSS_OPTIONS });
    await oldBoss.start();
    await oldBoss.createQueue("legacy-queue");
    await oldBoss.stop({ graceful: false });
    const before = new pg.Client({ connectionString: `${legacyUrl}/perfpilot` });
    await before.connect();
    const ownedBefore = await before.query<{ n: number }>(
      "select count(*)::int n from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relowner = 'postgres'::regrole and n.nspname in ('public', 'pgboss')",
    );
    await before.end();
    expect(ownedBefore.rows[0]!.n).toBeGreaterThan(20);
    await stopPostmaster(old.pid!);

    handle = await startEmbeddedPostgres({ dataDir: clusterDir, port, database: "perfpilot" });

    expect(fs.statSync(handle.credentialsFile).mode & 0o777).toBe(0o600);
    expect(await connectError(`${legacyUrl}/postgres`)).toBe("28P01");
    expect(await authRequest(port, "postgres", "postgres")).toBe(AUTH_SASL);
    const admin = new pg.Client({ connectionString: handle.adminConnectionString.replace(/\/postgres$/, "/perfpilot") });
    await admin.connect();
    try {
      const left = await admin.query<{ kind: string; name: string }>(`
        select 'schema' kind, nspname::text name from pg_namespace where nspowner = 'postgres'::regrole and nspname not like 'pg\\_%' and nspname <> 'information_schema'
        union all
        select 'relation', c.oid::regclass::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where c.relowner = 'postgres'::regrole and n.nspname not like 'pg\\_%' and n.nspname <> 'information_schema'
        union all
        select 'type', t.oid::regtype::text from pg_type t join pg_namespace n on n.oid = t.typnamespace
          where t.typowner = 'postgres'::regrole and n.nspname not like 'pg\\_%' and n.nspname <> 'information_schema'
        union all
        select 'routine', p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
          where p.proowner = 'postgres'::regrole and n.nspname not like 'pg\\_%' and n.nspname <> 'information_schema'`);
      expect(left.rows).toEqual([]);
      const rules = await admin.query<{ auth_method: string }>("select distinct auth_method from pg_hba_file_rules");
      expect(rules.rows).toEqual([{ auth_method: "scram-sha-256" }]);
    } finally {
      await admin.end();
    }

    // The app, as the app role: migrations (nothing to apply), pg-boss on its existing schema, a write.
    expect(await applyMigrations(handle.connectionString)).toEqual([]);
    const boss = new PgBoss({ connectionString: handle.connectionString, ...BOSS_OPTIONS });
    await boss.start();
    try {
      const id = await boss.send("legacy-queue", { x: 1 });
      expect(id).toBeTruthy();
    } finally {
      await boss.stop({ graceful: false });
    }
    const app = new pg.Client({ connectionString: handle.connectionString });
    await app.connect();
    try {
      await app.query("insert into socket_io_attachments (payload) values ('\\x00')");
      await expect(app.query("copy (select 1) to program 'true'")).rejects.toMatchObject({ code: "42501" });
    } finally {
      await app.end();
    }

    // A second start is the normal path: the stored passwords work, nothing to upgrade.
    await handle.stop();
    handle = await startEmbeddedPostgres({ dataDir: clusterDir, port, database: "perfpilot" });
    expect(await connectError(handle.connectionString)).toBeUndefined();
  });

  it("refuses with a message saying what to do when the cluster accepts neither password", { timeout: 60_000 }, async () => {
    await handle?.stop();
    handle = null;
    const clusterDir = path.join(tmp, "postgres");
    const file = path.join(tmp, "postgres-credentials.json");
    const creds = JSON.parse(fs.readFileSync(file, "utf8")) as { superuser: { password: string } };
    creds.superuser.password = "not-the-password";
    fs.writeFileSync(file, JSON.stringify(creds), { mode: 0o600 });
    const failure = await startEmbeddedPostgres({ dataDir: clusterDir, port, database: "perfpilot" }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ name: "StartFailure", reason: "legacy-cluster" });
    expect((failure as Error).message).toContain(clusterDir);
    expect((failure as Error).message).toMatch(/Restore the credentials file .* or move .* away/);
    // It stopped the postmaster it had started to find that out.
    const left = readPostmasterPid(clusterDir);
    expect(left === null || !isAlive(left.pid)).toBe(true);
  });
});
