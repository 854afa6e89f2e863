import fs from "node:fs";
import type { Logger } from "pino";
import { env } from "../../../env";
import { authConfig, authDataDir } from "./instance";
import { requirePasswordChange, writeFirstAdminPasswordFile } from "./password-change";
import { countUsers, inTransaction, insertUser, randomPassword } from "./users";

/** What `ensureAdmin` did. Never contains the password. */
export interface EnsureAdminResult {
  created: boolean;
  email: string | null;
  /** The one-time password's file (null when ADMIN_PASSWORD was used or nothing was created). */
  passwordFile: string | null;
}

/**
 * Zero-setup sign-in: on the first start (no users at all) creates an `admin` account with
 * ADMIN_EMAIL and ADMIN_PASSWORD, or with a random one-time password written to a 0600 file in
 * the data dir. Only the file's path is printed: terminals end up in log collectors, files
 * with mode 0600 do not. The first sign-in with the generated password must change it, which
 * deletes the file. ADMIN_PASSWORD is the operator's own choice and is not forced to change.
 * Later starts find a user and print nothing. Safe with several instances starting at once
 * (advisory lock).
 */
export async function ensureAdmin(opts: {
  log: Logger;
  /** Where the one-time notice goes (default: console.log). */
  print?: (text: string) => void;
  email?: string;
  password?: string;
}): Promise<EnsureAdminResult> {
  const { pool, baseURL } = authConfig();
  const dataDir = authDataDir();
  const email = (opts.email ?? env.ADMIN_EMAIL).toLowerCase();
  const configured = opts.password ?? env.ADMIN_PASSWORD;
  const password = configured ?? randomPassword();
  const written: { file: string | null } = { file: null };
  let created: boolean;
  try {
    created = await inTransaction(pool, async (client) => {
      await client.query(`select pg_advisory_xact_lock(hashtext('perfpilot.ensure_admin'))`);
      if ((await countUsers(client)) > 0) return false;
      const user = await insertUser(client, { name: "system", role: "system", origin: "boot" }, { email, name: "Admin", role: "admin", password });
      if (!configured) {
        await requirePasswordChange(client, user.id);
        // Written before the commit: an admin whose password nobody could read must not exist.
        written.file = writeFirstAdminPasswordFile(dataDir, { userId: user.id, email, password });
      }
      return true;
    });
  } catch (err) {
    // The transaction did not commit: the password in the file opens nothing.
    if (written.file) fs.rmSync(written.file, { force: true });
    throw err;
  }
  const passwordFile = written.file;
  if (!created) return { created: false, email: null, passwordFile: null };
  opts.log.info({ email, passwordFile }, "created the first admin account");
  const print = opts.print ?? ((text: string) => console.log(text));
  const line = "─".repeat(72);
  const how = passwordFile
    ? [
        `    password: a one-time password, in ${passwordFile}`,
        "              (readable by this OS user only; deleted once you change it)",
        "",
        `  Sign in at ${baseURL}/sign-in: you will be asked to choose a new password.`,
      ]
    : ["    password: the value of ADMIN_PASSWORD", "", `  Sign in at ${baseURL}/sign-in.`];
  print(
    [
      "",
      line,
      "  Perfpilot created the first admin account.",
      "",
      `    e-mail:   ${email}`,
      ...how,
      `  Add people (viewer, operator, admin) at ${baseURL}/admin/users and`,
      `  automation tokens at ${baseURL}/admin/tokens (or POST /api/users and`,
      '  POST /api/tokens; see README "Sign-in, roles and API tokens").',
      line,
      "",
    ].join("\n"),
  );
  return { created: true, email, passwordFile };
}
