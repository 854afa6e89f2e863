import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { credentialsUnreadable } from "../start-failure";
import { writeClusterFile } from "./postgres-process";

/**
 * The embedded cluster, locked down: a random superuser password and a non-superuser app role
 * that owns only the app database (it cannot read server files or run programs: no `COPY … TO
 * PROGRAM`), both made at init and kept in a 0600 file in the data dir; scram-sha-256 for every
 * connection; the server listens on 127.0.0.1 only and on no unix socket (postgres-process.ts).
 * A cluster of an older Perfpilot (superuser postgres/postgres, no credentials file) is upgraded
 * on its first start here.
 */

/** The app role: owns the app database and everything in it (migrations, pg-boss, the socket adapter). */
export const APP_ROLE = "perfpilot";
export const SUPERUSER = "postgres";
/** What older versions set for the superuser; tried only to upgrade such a cluster. */
export const LEGACY_SUPERUSER_PASSWORD = "postgres";

export interface ClusterCredentials {
  superuser: { user: string; password: string };
  app: { user: string; password: string };
}

/** The credentials file of a cluster whose folder is `requested` (it sits beside it, in the data dir). */
export function credentialsFileFor(requestedClusterDir: string): string {
  return path.join(path.dirname(requestedClusterDir), `${path.basename(requestedClusterDir)}-credentials.json`);
}

export function newCredentials(): ClusterCredentials {
  // base64url: no character needs escaping in a connection URL.
  const secret = () => crypto.randomBytes(24).toString("base64url");
  return { superuser: { user: SUPERUSER, password: secret() }, app: { user: APP_ROLE, password: secret() } };
}

/** The stored credentials, or null when there is no file (a new or an older cluster). */
export function readCredentials(file: string): ClusterCredentials | null {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw credentialsUnreadable(file, err);
  }
  try {
    const parsed = JSON.parse(text) as Partial<ClusterCredentials>;
    const ok = (x: unknown): x is { user: string; password: string } =>
      typeof x === "object" && x !== null && typeof (x as { user: unknown }).user === "string" && typeof (x as { password: unknown }).password === "string";
    if (!ok(parsed.superuser) || !ok(parsed.app)) throw new Error("it does not hold the superuser and app credentials");
    return { superuser: parsed.superuser, app: parsed.app };
  } catch (err) {
    throw credentialsUnreadable(file, err);
  }
}

/** Written readable by its owner only (the user that runs Perfpilot), replaced atomically. */
export function writeCredentials(file: string, creds: ClusterCredentials): void {
  const body = {
    note: "Passwords of the embedded PostgreSQL, made when its cluster was created. Keep this file private (mode 0600).",
    ...creds,
  };
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

/**
 * A SCRAM-SHA-256 verifier as PostgreSQL stores it (RFC 5802/7677), so `ALTER ROLE … PASSWORD`
 * never carries the password itself (a failed statement is logged with its text).
 */
export function scramVerifier(password: string, salt = crypto.randomBytes(16), iterations = 4096): string {
  const salted = crypto.pbkdf2Sync(password.normalize("NFKC"), salt, iterations, 32, "sha256");
  const clientKey = crypto.createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = crypto.createHash("sha256").update(clientKey).digest();
  const serverKey = crypto.createHmac("sha256", salted).update("Server Key").digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}

export const PG_HBA = `# Written by Perfpilot at every start (edits here are replaced): every connection needs a
# password (scram-sha-256) and comes from this machine; no replication connections.
# TYPE  DATABASE  USER  ADDRESS       METHOD
local   all       all                 scram-sha-256
host    all       all   127.0.0.1/32  scram-sha-256
host    all       all   ::1/128       scram-sha-256
`;

export function connectionUrl(user: { user: string; password: string }, port: number, database: string): string {
  return `postgresql://${encodeURIComponent(user.user)}:${encodeURIComponent(user.password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

/**
 * Objects in the app database still owned by the superuser (an older cluster's, made when the
 * app connected as `postgres`) become the app role's. `REASSIGN OWNED BY postgres` cannot do it:
 * the bootstrap superuser owns the system catalogs too. Extension members are left alone.
 */
function reassignSql(app: string): string {
  const notSystem = (ns: string) => `${ns}.nspname <> 'information_schema' and ${ns}.nspname not like 'pg\\_%'`;
  const notExt = (oid: string) => `not exists (select 1 from pg_depend e where e.objid = ${oid} and e.deptype = 'e')`;
  return `do $$
declare r record;
begin
  for r in select n.nspname from pg_namespace n
           where n.nspowner = '${SUPERUSER}'::regrole and ${notSystem("n")} and ${notExt("n.oid")} loop
    execute format('alter schema %I owner to %I', r.nspname, '${app}');
  end loop;
  for r in select c.oid::regclass as rel, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where c.relowner = '${SUPERUSER}'::regrole and ${notSystem("n")} and ${notExt("c.oid")}
             and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S', 'c')
             and not (c.relkind = 'S' and exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass
                      and d.objid = c.oid and d.refclassid = 'pg_class'::regclass and d.deptype in ('a', 'i'))) loop
    execute format('alter %s %s owner to %I',
      case r.relkind when 'v' then 'view' when 'm' then 'materialized view' when 'S' then 'sequence'
                     when 'f' then 'foreign table' when 'c' then 'type' else 'table' end, r.rel, '${app}');
  end loop;
  for r in select t.oid::regtype as typ, t.typtype from pg_type t join pg_namespace n on n.oid = t.typnamespace
           where t.typowner = '${SUPERUSER}'::regrole and ${notSystem("n")} and ${notExt("t.oid")} and t.typtype in ('e', 'd', 'r') loop
    execute format('alter %s %s owner to %I', case r.typtype when 'd' then 'domain' else 'type' end, r.typ, '${app}');
  end loop;
  for r in select p.oid::regprocedure as fn from pg_proc p join pg_namespace n on n.oid = p.pronamespace
           where p.proowner = '${SUPERUSER}'::regrole and ${notSystem("n")} and ${notExt("p.oid")} loop
    execute format('alter routine %s owner to %I', r.fn, '${app}');
  end loop;
end $$`;
}

export interface LockdownOptions {
  port: number;
  /** Password the superuser has now (the stored one, or the legacy default on an older cluster). */
  currentSuperuserPassword: string;
  creds: ClusterCredentials;
  database: string;
  clusterDir: string;
  ids: { uid: number; gid: number } | null;
}

/**
 * Brings a running cluster to the locked-down state, idempotently (every start): the superuser's
 * password is the stored one, the app role exists as a plain login role with the stored password
 * and owns the app database and its objects, nobody else may connect to that database, and
 * pg_hba.conf asks every connection for a scram password.
 */
export async function lockDown(opts: LockdownOptions): Promise<void> {
  const { creds, database } = opts;
  const admin = new pg.Client({
    connectionString: connectionUrl({ user: creds.superuser.user, password: opts.currentSuperuserPassword }, opts.port, "postgres"),
  });
  await admin.connect();
  try {
    const role = admin.escapeIdentifier(creds.app.user);
    const db = admin.escapeIdentifier(database);
    if (opts.currentSuperuserPassword !== creds.superuser.password) {
      await admin.query(`alter role ${admin.escapeIdentifier(creds.superuser.user)} password '${scramVerifier(creds.superuser.password)}'`);
    }
    const attrs = `login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password '${scramVerifier(creds.app.password)}'`;
    const hasRole = await admin.query("select 1 from pg_roles where rolname = $1", [creds.app.user]);
    await admin.query(hasRole.rowCount ? `alter role ${role} with ${attrs}` : `create role ${role} ${attrs}`);
    const hasDb = await admin.query("select 1 from pg_database where datname = $1", [database]);
    await admin.query(hasDb.rowCount ? `alter database ${db} owner to ${role}` : `create database ${db} owner ${role}`);
    await admin.query(`revoke all on database ${db} from public`);
  } finally {
    await admin.end();
  }

  const inDb = new pg.Client({ connectionString: connectionUrl(creds.superuser, opts.port, database) });
  await inDb.connect();
  try {
    await inDb.query(reassignSql(creds.app.user.replace(/'/g, "''")));
    const hba = path.join(opts.clusterDir, "pg_hba.conf");
    if (fs.readFileSync(hba, "utf8") !== PG_HBA) {
      writeClusterFile(hba, PG_HBA, opts.ids);
      await inDb.query("select pg_reload_conf()");
      const bad = await inDb.query<{ line_number: number; error: string }>("select line_number, error from pg_hba_file_rules where error is not null");
      if (bad.rowCount) throw new Error(`pg_hba.conf was refused: line ${bad.rows[0]!.line_number}: ${bad.rows[0]!.error}`);
    }
  } finally {
    await inDb.end();
  }
}
