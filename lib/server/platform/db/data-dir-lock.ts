import fs from "node:fs";
import path from "node:path";
import { StartFailure, dataDirUnusable } from "../start-failure";
import { isAlive, processName } from "./postgres-process";

/**
 * One owner per data dir: the process that starts the embedded Postgres holds this lock and is
 * the one that stops it. `app` is `npm start` without DATABASE_URL; `db` is `npm run db`, whose
 * database other instances may use (and never stop). A lock whose pid is dead (the holder was
 * SIGKILLed) or now belongs to another program is taken over, so `kill -9` never blocks the next start.
 */
export type LockRole = "app" | "db";

export interface LockHolder {
  pid: number;
  role: LockRole;
}

export type LockResult = { acquired: true; file: string; release(): void } | { acquired: false; file: string; holder: LockHolder };

export function lockFileFor(dataDir: string): string {
  return path.join(path.resolve(dataDir), "perfpilot.pid");
}

/** The holder named in the file (older versions wrote a bare pid: an `app`). */
function readHolder(file: string): LockHolder | null {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8").trim();
  } catch {
    return null;
  }
  try {
    const parsed = JSON.parse(text) as { pid?: unknown; role?: unknown };
    if (typeof parsed === "number") return { pid: parsed, role: "app" };
    if (typeof parsed.pid === "number" && (parsed.role === "app" || parsed.role === "db")) return { pid: parsed.pid, role: parsed.role };
  } catch {
    /* not JSON */
  }
  return null;
}

/** Whether the holder still runs: alive, and (when that can be told) still a node process. */
function holderRuns(holder: LockHolder): boolean {
  if (holder.pid === process.pid || !isAlive(holder.pid)) return false;
  const name = processName(holder.pid);
  return name === null || name.startsWith("node");
}

/** The live holder of the data dir's lock, or null. */
export function dataDirHolder(dataDir: string): LockHolder | null {
  const holder = readHolder(lockFileFor(dataDir));
  return holder && holderRuns(holder) ? holder : null;
}

export function acquireDataDirLock(dataDir: string, role: LockRole): LockResult {
  const file = lockFileFor(dataDir);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
  } catch (err) {
    throw dataDirUnusable(path.dirname(file), err);
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      // `wx`: of two processes starting at once, exactly one creates the file.
      fs.writeFileSync(file, JSON.stringify({ pid: process.pid, role }), { flag: "wx" });
      return {
        acquired: true,
        file,
        release: () => {
          if (readHolder(file)?.pid === process.pid) fs.rmSync(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw dataDirUnusable(path.dirname(file), err);
    }
    const holder = readHolder(file);
    if (holder && holderRuns(holder)) return { acquired: false, file, holder };
    try {
      fs.rmSync(file, { force: true });
    } catch (err) {
      throw new StartFailure("stale-lock", `The lock file ${file} is stale but cannot be removed (${(err as Error).message}). Delete it and start again.`, {
        cause: err,
      });
    }
  }
  throw new StartFailure("stale-lock", `The lock file ${file} keeps coming back while no owner runs. Stop what writes it, delete it and start again.`);
}
