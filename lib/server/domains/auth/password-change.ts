import fs from "node:fs";
import path from "node:path";
import type pg from "pg";
import { AppError } from "../../../errors";

// One-time passwords: the first admin's generated password and passwords an admin generates
// for a new user. Whoever holds one must choose their own before using the product, so a
// password that sat in a file or went through a chat window stops working at its first use.

/** The first admin's one-time password, in the data dir (0600), deleted once it is changed. */
export const FIRST_ADMIN_PASSWORD_FILE = "first-admin-password";

/** The path of the first admin's password file in `dataDir`. */
export function firstAdminPasswordPath(dataDir: string): string {
  return path.resolve(dataDir, FIRST_ADMIN_PASSWORD_FILE);
}

/**
 * Marks a user as holding a one-time password: every API route answers 403
 * `password_change_required` until they change it. Call it in the transaction that creates
 * the user.
 */
export async function requirePasswordChange(client: pg.Pool | pg.PoolClient, userId: string): Promise<void> {
  await client.query(`update auth_user set must_change_password = true where id = $1`, [userId]);
}

/**
 * For the access check of every route and socket: refuses a session whose user still holds a
 * one-time password (better-auth's session user carries `mustChangePassword`). Sign-out,
 * get-session and change-password are better-auth's own endpoints and do not come here.
 */
export function assertPasswordChanged(user: { mustChangePassword?: unknown }): void {
  if (user.mustChangePassword === true) {
    throw new AppError("password_change_required", "this account has a one-time password: change it first (/sign-in or POST /api/auth/change-password)");
  }
}

/**
 * Writes the first admin's password to its file, readable by this OS user only (0600), and
 * returns the path. Written beside and renamed over any leftover, so no reader ever sees a
 * partial file and a stale file from an earlier database never survives.
 */
export function writeFirstAdminPasswordFile(dataDir: string, admin: { userId: string; email: string; password: string }): string {
  const file = firstAdminPasswordPath(dataDir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const text = [
    "# Perfpilot: the first admin's one-time password, written once at the first start.",
    "# Sign in with it; you will be asked to choose a new password, and this file is then deleted.",
    `email: ${admin.email}`,
    `password: ${admin.password}`,
    `user: ${admin.userId}`,
    "",
  ].join("\n");
  fs.rmSync(tmp, { force: true });
  fs.writeFileSync(tmp, text, { mode: 0o600, flag: "wx" });
  fs.renameSync(tmp, file);
  return file;
}

/** Deletes the first admin's password file when it belongs to `userId`; true when it did. */
export function removeFirstAdminPasswordFile(dataDir: string, userId: string): boolean {
  const file = firstAdminPasswordPath(dataDir);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err;
  }
  if (/^user: (\S+)$/m.exec(text)?.[1] !== userId) return false;
  fs.rmSync(file, { force: true });
  return true;
}

/**
 * After a successful password change: the one-time flag is cleared and, for the first admin,
 * the password file deleted. Returns whether the user had a one-time password.
 */
export async function passwordChanged(pool: pg.Pool, userId: string, dataDir: string): Promise<boolean> {
  const { rowCount } = await pool.query(`update auth_user set must_change_password = false, updated_at = now() where id = $1 and must_change_password`, [
    userId,
  ]);
  removeFirstAdminPasswordFile(dataDir, userId);
  return (rowCount ?? 0) > 0;
}
