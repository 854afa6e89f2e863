import fs from "node:fs";
import path from "node:path";
import { isAlive } from "./embedded-postgres";

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
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
      throw new Error(
        `another Perfpilot (pid ${holder}) is running with data dir ${path.resolve(dataDir)}; ` + `stop it first, or set PERFPILOT_DATA_DIR to another folder`,
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
