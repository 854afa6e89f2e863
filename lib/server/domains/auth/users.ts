import crypto from "node:crypto";
import type pg from "pg";
import { AppError } from "../../../errors";
import type { Actor } from "../../../optimizer/types";
import { writeAudit } from "../audit/write-audit";
import { getAuth } from "./instance";
import { isRole, requireSignedInAdmin, type Role } from "./roles";
import type { AuthActor } from "./types";
import { requirePasswordChange } from "./password-change";
import { withTransaction } from "../../platform/db/transaction";
import { afterCursor, pageOf, paging, type KeyValues, type Page } from "../../platform/http/paging";

/** A user as listed to admins (no password material). */
export interface UserView {
  id: string;
  email: string;
  name: string;
  role: Role | null;
  banned: boolean;
  createdAt: string;
  lastSignInAt: string | null;
}

/** A row of SELECT_VIEW. */
interface UserViewRow {
  id: string;
  email: string;
  name: string;
  role: string | null;
  banned: boolean | null;
  created_at: Date;
  /** null: never signed in. */
  last_sign_in_at: Date | null;
}

function toView(r: UserViewRow): UserView {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    role: isRole(r.role) ? r.role : null,
    banned: r.banned === true,
    createdAt: r.created_at.toISOString(),
    lastSignInAt: r.last_sign_in_at ? r.last_sign_in_at.toISOString() : null,
  };
}

const SELECT_VIEW = `select u.id, u.email, u.name, u.role, u.banned, u.created_at,
  (select max(s.created_at) from auth_session s where s.user_id = u.id) as last_sign_in_at from auth_user u`;

/** How `GET /api/users` pages: oldest first by (created_at, id). */
export const USER_PAGING = paging({ list: "users", key: ["time", "text"], order: "asc", defaultLimit: 100, maxLimit: 500 });

/** One page of users, oldest first. */
export async function listUsers(pool: pg.Pool, q: { limit: number; cursor?: KeyValues<typeof USER_PAGING.key> }): Promise<Page<UserView>> {
  const params: unknown[] = [];
  const after = afterCursor(USER_PAGING, ["u.created_at", "u.id"], q.cursor, params);
  const { rows } = await pool.query<UserViewRow>(`${SELECT_VIEW} where ${after} order by u.created_at, u.id limit $${params.push(q.limit + 1)}`, params);
  const page = pageOf(USER_PAGING, rows, q.limit, (r) => [r.created_at, r.id]);
  return { items: page.items.map(toView), nextCursor: page.nextCursor };
}

/** A random password for accounts created without one (shown once to whoever created it). */
export function randomPassword(): string {
  return crypto.randomBytes(18).toString("base64url");
}

/**
 * Inserts a user with a password (hashed by better-auth: scrypt) and audits it, inside the
 * caller's transaction. We write the rows ourselves rather than through better-auth's admin
 * endpoint so the user, the credential and the audit event commit or fail together.
 */
export async function insertUser(
  client: pg.PoolClient,
  actor: Actor,
  input: { email: string; name?: string | undefined; role: Role; password: string },
): Promise<UserView> {
  const ctx = await getAuth().$context;
  const { minPasswordLength, maxPasswordLength } = ctx.password.config;
  if (input.password.length < minPasswordLength || input.password.length > maxPasswordLength) {
    throw new AppError("validation_failed", `password must be ${minPasswordLength}–${maxPasswordLength} characters`);
  }
  const email = input.email.trim().toLowerCase();
  const hash = await ctx.password.hash(input.password);
  const id = crypto.randomUUID();
  const inserted = await client.query<{ id: string }>(
    `insert into auth_user (id, name, email, email_verified, role, banned) values ($1, $2, $3, false, $4, false)
     on conflict (email) do nothing returning id`,
    [id, input.name?.trim() || email.split("@")[0], email, input.role],
  );
  if (inserted.rowCount === 0) throw new AppError("conflict", `a user with e-mail ${email} already exists`);
  // `account_id = user id` and provider `credential` is how better-auth finds a password account.
  await client.query(`insert into auth_account (id, account_id, provider_id, user_id, password) values ($1, $2, 'credential', $2, $3)`, [
    crypto.randomUUID(),
    id,
    hash,
  ]);
  await writeAudit(client, { actor, action: "user.create", subjectType: "user", subjectId: id, after: { email, role: input.role } });
  const { rows } = await client.query<UserViewRow>(`${SELECT_VIEW} where u.id = $1`, [id]);
  return toView(rows[0]!);
}

/** Runs `fn` in one transaction on a pooled client (rollback on error). */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return withTransaction(pool, async (client) => {
    const out = await fn(client);
    return out;
  });
}

/** Creates a user; without a password one is generated and returned (once). */
export async function createUser(
  pool: pg.Pool,
  actor: AuthActor,
  input: { email: string; name?: string | undefined; role: Role; password?: string | undefined },
): Promise<{ user: UserView; password: string | null }> {
  requireSignedInAdmin(actor, "create users");
  const password = input.password ?? randomPassword();
  const user = await inTransaction(pool, async (client) => {
    const created = await insertUser(client, actor, { ...input, password });
    // A generated password went through somebody else's hands: the user must choose their own.
    if (!input.password) await requirePasswordChange(client, created.id);
    return created;
  });
  return { user, password: input.password ? null : password };
}

/** What an admin may change about a user (`PATCH /api/users/{id}`). */
export interface UserUpdate {
  role?: Role | undefined;
  /** true: signed out everywhere, tokens revoked, sign-in refused; false: may sign in again. */
  disabled?: boolean | undefined;
}

/**
 * Changes a user's role and/or disables or re-enables them, audited in the same transaction.
 * Refuses to demote or disable the last active admin (nobody could manage users or tokens any
 * more). Disabling ends the user's sessions and revokes their tokens; re-enabling does not bring
 * the tokens back. Every change reaches every instance at once through the access triggers:
 * cached credentials are dropped and the user's sockets disconnected.
 */
export async function updateUser(pool: pg.Pool, actor: AuthActor, id: string, update: UserUpdate): Promise<UserView> {
  requireSignedInAdmin(actor, "manage users");
  return inTransaction(pool, async (client) => {
    // Lock every admin row: two admins demoting or disabling each other at once must not both succeed.
    const admins = await client.query<{ id: string }>(`select id from auth_user where role = 'admin' and banned is not true order by id for update`);
    const cur = await client.query<{ role: string | null; banned: boolean | null }>(`select role, banned from auth_user where id = $1 for update`, [id]);
    const row = cur.rows[0];
    if (!row) throw new AppError("not_found", `unknown user ${id}`);
    const lastActiveAdmin = row.role === "admin" && row.banned !== true && admins.rows.length <= 1;
    if (update.role !== undefined && update.role !== row.role) {
      if (lastActiveAdmin) throw new AppError("conflict", "cannot demote the last admin");
      await client.query(`update auth_user set role = $2, updated_at = now() where id = $1`, [id, update.role]);
      await writeAudit(client, {
        actor,
        action: "user.set_role",
        subjectType: "user",
        subjectId: id,
        before: { role: row.role },
        after: { role: update.role },
      });
    }
    const wasDisabled = row.banned === true;
    if (update.disabled === true && !wasDisabled) {
      if (lastActiveAdmin) throw new AppError("conflict", "cannot disable the last admin");
      await client.query(`update auth_user set banned = true, ban_reason = $2, ban_expires = null, updated_at = now() where id = $1`, [
        id,
        `disabled by ${actor.name}`,
      ]);
      const sessions = await client.query(`delete from auth_session where user_id = $1`, [id]);
      const tokens = await client.query(`update api_token set revoked_at = now() where created_by = $1 and revoked_at is null`, [id]);
      await writeAudit(client, {
        actor,
        action: "user.disable",
        subjectType: "user",
        subjectId: id,
        before: { disabled: false },
        after: { disabled: true, sessionsEnded: sessions.rowCount ?? 0, tokensRevoked: tokens.rowCount ?? 0 },
      });
    } else if (update.disabled === false && wasDisabled) {
      await client.query(`update auth_user set banned = false, ban_reason = null, ban_expires = null, updated_at = now() where id = $1`, [id]);
      await writeAudit(client, { actor, action: "user.enable", subjectType: "user", subjectId: id, before: { disabled: true }, after: { disabled: false } });
    }
    const { rows } = await client.query<UserViewRow>(`${SELECT_VIEW} where u.id = $1`, [id]);
    return toView(rows[0]!);
  });
}

/** Number of users (zero only before the first start created the admin). */
export async function countUsers(client: pg.Pool | pg.PoolClient): Promise<number> {
  const { rows } = await client.query<{ n: number }>(`select count(*)::int as n from auth_user`);
  return rows[0]?.n ?? 0;
}
