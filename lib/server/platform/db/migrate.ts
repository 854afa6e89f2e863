import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";

/**
 * Prisma migrations without Prisma's native schema engine (which the CLI downloads on first use
 * and offline machines cannot fetch): the same engine compiled to WebAssembly, talking to the
 * database through the pg driver adapter. It fills the standard `_prisma_migrations` table, so
 * `prisma migrate deploy` stays compatible on machines that have the native engine.
 */
const MIGRATIONS_DIR = path.resolve("prisma/migrations");
const SCHEMA_FILE = path.resolve("prisma/schema.prisma");
const LOCKFILE = "migration_lock.toml";

type WasmEngineModule = typeof import("@prisma/schema-engine-wasm");
type SchemaEngine = Awaited<ReturnType<WasmEngineModule["SchemaEngine"]["new"]>>;

let loaded: Promise<WasmEngineModule> | null = null;

/** Instantiates the wasm module once (Node cannot `import` a .wasm file directly). */
function loadEngineModule(): Promise<WasmEngineModule> {
  loaded ??= (async () => {
    const require = createRequire(import.meta.url);
    const bgPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const bg = (await import("@prisma/schema-engine-wasm/schema_engine_bg")) as WasmEngineModule & {
      __wbg_set_wasm(exports: WebAssembly.Exports): void;
    };
    const bytes = fs.readFileSync(path.join(path.dirname(bgPath), "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": bg as never });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bg;
  })();
  return loaded;
}

type PgAdapter = Awaited<ReturnType<PrismaPg["connect"]>>;

/**
 * The pg driver adapter runs a migration script by splitting it on every `;`, which breaks any
 * statement with a semicolon inside (a PL/pgSQL function body, a string). Postgres's simple
 * query protocol runs a whole script in one round trip, as one implicit transaction, and parses
 * dollar quotes and strings itself: send the script as it is.
 */
function wholeScripts(adapter: PgAdapter): PgAdapter {
  adapter.executeScript = async (script: string) => {
    try {
      await (adapter.underlyingDriver() as { query(sql: string): Promise<unknown> }).query(script);
    } catch (error) {
      // The adapter's own conversion, so the engine reports the database's message as before.
      (adapter as unknown as { onError(e: unknown): never }).onError(error);
    }
  };
  return adapter;
}

/** The pg adapter factory, with migration scripts sent whole (see `wholeScripts`); remembers what it opened. */
class WholeScriptPg extends PrismaPg {
  readonly opened: PgAdapter[] = [];
  override async connect(): Promise<PgAdapter> {
    const adapter = wholeScripts(await super.connect());
    this.opened.push(adapter);
    return adapter;
  }
  override async connectToShadowDb(): Promise<PgAdapter> {
    const adapter = wholeScripts(await super.connectToShadowDb());
    this.opened.push(adapter);
    return adapter;
  }
}

async function withEngine<T>(connectionString: string, fn: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const mod = await loadEngineModule();
  const factory = new WholeScriptPg({ connectionString });
  const adapter = bindMigrationAwareSqlAdapterFactory(factory);
  const schema = fs.readFileSync(SCHEMA_FILE, "utf8");
  const engine = await mod.SchemaEngine.new({ datamodels: [[SCHEMA_FILE, schema]] }, () => undefined, adapter);
  try {
    return await fn(engine);
  } finally {
    engine.free();
    // The engine takes Prisma's migration lock (a session advisory lock) and never unlocks it: its
    // connection went back to the adapter's pool still holding it, for the pool's 10 s idle
    // timeout. An instance migrating meanwhile waited and its engine gave up after 10 s (P1002):
    // two instances started together, one failed. Closing the connections releases the lock now.
    await Promise.all(factory.opened.map((a) => a.dispose().catch(() => undefined)));
  }
}

function migrationDirs(): string[] {
  if (!fs.existsSync(MIGRATIONS_DIR)) return [];
  return fs
    .readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

function migrationList() {
  const lockPath = path.join(MIGRATIONS_DIR, LOCKFILE);
  return {
    baseDir: MIGRATIONS_DIR,
    lockfile: { path: LOCKFILE, content: fs.existsSync(lockPath) ? fs.readFileSync(lockPath, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories: migrationDirs().map((name) => ({
      path: name,
      migrationFile: {
        path: "migration.sql",
        content: { tag: "ok" as const, value: fs.readFileSync(path.join(MIGRATIONS_DIR, name, "migration.sql"), "utf8") },
      },
    })),
  };
}

const NO_FILTER = { externalTables: [], externalEnums: [] };

/** Applies every pending migration; returns the names applied now. */
export async function applyMigrations(connectionString: string): Promise<string[]> {
  return withEngine(connectionString, async (engine) => {
    const out = await engine.applyMigrations({ migrationsList: migrationList() as never, filters: NO_FILTER });
    return out.appliedMigrationNames;
  });
}

/**
 * Writes a new migration from the difference between the schema saved beside the latest
 * migration and the current `schema.prisma`. The engine needs a reachable (any, empty) database
 * even for this file-to-file diff. Returns null when nothing changed.
 */
export async function createMigration(name: string, connectionString: string): Promise<string | null> {
  const dirs = migrationDirs();
  const last = dirs.at(-1);
  const previousSchema = last ? path.join(MIGRATIONS_DIR, last, "schema.prisma") : null;
  const current = fs.readFileSync(SCHEMA_FILE, "utf8");
  const from =
    previousSchema && fs.existsSync(previousSchema)
      ? { tag: "schemaDatamodel" as const, files: [{ path: previousSchema, content: fs.readFileSync(previousSchema, "utf8") }] }
      : { tag: "empty" as const };
  const to = { tag: "schemaDatamodel" as const, files: [{ path: SCHEMA_FILE, content: current }] };

  let script = "";
  await withEngine(connectionString, async (engine) => {
    const result = await engine.diff({ from, to, script: true, exitCode: null, filters: NO_FILTER });
    script = result.stdout ?? "";
  });
  if (!script.trim() || /This is an empty migration/.test(script)) return null;

  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const dir = path.join(MIGRATIONS_DIR, `${stamp}_${name.replace(/[^a-z0-9_]/gi, "_")}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "migration.sql"), script);
  fs.writeFileSync(path.join(dir, "schema.prisma"), current);
  const lockPath = path.join(MIGRATIONS_DIR, LOCKFILE);
  if (!fs.existsSync(lockPath)) fs.writeFileSync(lockPath, 'provider = "postgresql"\n');
  return dir;
}
