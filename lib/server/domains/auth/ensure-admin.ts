import type { Logger } from "pino";
import { env } from "../../../env";
import { authConfig } from "./instance";
import { countUsers, inTransaction, insertUser, randomPassword } from "./users";

/** What `ensureAdmin` did. Never contains the password. */
export interface EnsureAdminResult {
  created: boolean;
  email: string | null;
}

/**
 * Zero-setup sign-in: on the first start (no users at all) creates an `admin` account with
 * ADMIN_EMAIL and ADMIN_PASSWORD, or a random password that is printed once to the terminal
 * (stdout, not the structured log, so it does not end up in log files). Later starts find a
 * user and print nothing. Safe with several instances starting at once (advisory lock).
 */
export async function ensureAdmin(opts: {
  log: Logger;
  /** Where the one-time notice goes (default: console.log). */
  print?: (text: string) => void;
  email?: string;
  password?: string;
}): Promise<EnsureAdminResult> {
  const { pool, baseURL } = authConfig();
  const email = (opts.email ?? env.ADMIN_EMAIL).toLowerCase();
  const configured = opts.password ?? env.ADMIN_PASSWORD;
  const password = configured ?? randomPassword();
  const created = await inTransaction(pool, async (client) => {
    await client.query(`select pg_advisory_xact_lock(hashtext('perfpilot.ensure_admin'))`);
    if ((await countUsers(client)) > 0) return false;
    await insertUser(client, { name: "system", role: "system", origin: "boot" }, { email, name: "Admin", role: "admin", password });
    return true;
  });
  if (!created) return { created: false, email: null };
  opts.log.info({ email }, "created the first admin account");
  const print = opts.print ?? ((text: string) => console.log(text));
  const line = "─".repeat(72);
  print(
    [
      "",
      line,
      "  Perfpilot created the first admin account. This is shown only once.",
      "",
      `    e-mail:   ${email}`,
      `    password: ${configured ? "(the value of ADMIN_PASSWORD)" : password}`,
      "",
      `  Sign in at ${baseURL}/sign-in, then change the password at ${baseURL}/account.`,
      "  Add people (viewer, operator, admin) with POST /api/users and automation",
      '  tokens with POST /api/tokens; see README "Sign-in, roles and API tokens".',
      line,
      "",
    ].join("\n"),
  );
  return { created: true, email };
}
