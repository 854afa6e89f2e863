import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const SECRET_FILE = "auth-secret";

/**
 * The key that signs session cookies: AUTH_SECRET when set, else one generated on the first
 * start and kept in the data dir (mode 0600) so sessions survive restarts without any setup.
 * Several instances sharing a database but not a data dir must set AUTH_SECRET, or a cookie
 * signed by one would be refused by the others.
 */
export function resolveAuthSecret(opts: { configured?: string | undefined; dataDir: string }): string {
  if (opts.configured) return opts.configured;
  const file = path.resolve(opts.dataDir, SECRET_FILE);
  try {
    const stored = fs.readFileSync(file, "utf8").trim();
    if (stored.length < 32) throw new Error(`${file} holds no usable secret: delete it to generate a new one (signs everyone out)`);
    return stored;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const secret = crypto.randomBytes(32).toString("base64url");
  try {
    // `wx`: if another process wrote it first, keep theirs (read below) instead of overwriting.
    fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    return fs.readFileSync(file, "utf8").trim();
  }
}
