import fs from "node:fs";
import path from "node:path";

/**
 * One Perfpilot process per data dir: the embedded Postgres belongs to whoever holds this lock.
 * A lock whose pid is dead (the holder was SIGKILLed) is taken over, so `kill -9` never blocks
 * the next start.
 */
export function acquireDataDirLock(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, "perfpilot.pid");
  try {
    const holder = Number(fs.readFileSync(file, "utf8").trim());
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && pidAlive(holder)) {
      throw new Error(
        `another Perfpilot (pid ${holder}) is running with data dir ${path.resolve(dataDir)}; ` +
          `stop it first, or set PERFPILOT_DATA_DIR to another folder`,
      );
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  fs.writeFileSync(file, String(process.pid));
  return () => {
    try {
      if (fs.readFileSync(file, "utf8").trim() === String(process.pid)) fs.unlinkSync(file);
    } catch {
      /* already gone */
    }
  };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
