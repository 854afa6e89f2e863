import { processSlot } from "../../platform/process-slot";
import crypto from "node:crypto";
import type pg from "pg";
import { AppError } from "../../../errors";
import { logger } from "../../../log";
import { writeAudit } from "../audit/write-audit";
import { hasRole, isRole, lowerRole, type Role } from "./roles";
import type { AuthActor } from "./types";
import type { ResolvedAccess } from "./access-cache";
import { requireSignedInAdmin } from "./roles";
import { withTransaction } from "../../platform/db/transaction";
import { afterCursor, pageOf, paging, type KeyValues, type Page } from "../../platform/http/paging";

const log = logger.child({ component: "auth.tokens" });

/** Every token starts with this, so secret scanners and people recognise it. */
export const TOKEN_PREFIX = "pp_";
// 32 random bytes = 256 bits, base64url without padding = 43 characters.
const TOKEN_PATTERN = /^pp_[A-Za-z0-9_-]{43}$/;
const DISPLAY_CHARS = TOKEN_PREFIX.length + 8;
// last_used_at is for people ("is this token still used?"), so minute resolution is plenty and
// spares a write per automated request.
const LAST_USED_RESOLUTION_MS = 60_000;

/** A token as listed: never the secret or its hash. */
export interface ApiTokenView {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  expiresAt: string | null;
  status: "active" | "revoked" | "expired";
}

/**
 * SHA-256 of a token. A fast hash is right here, unlike for passwords: the secret is 256 random
 * bits, so there is nothing to guess and no dictionary to slow down; lookups stay one indexed
 * equality per request.
 */
export function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

/** A new random token with its hash and display prefix (the token itself is shown once). */
export function generateToken(): { token: string; hash: string; prefix: string } {
  const token = `${TOKEN_PREFIX}${crypto.randomBytes(32).toString("base64url")}`;
  return { token, hash: hashToken(token), prefix: token.slice(0, DISPLAY_CHARS) };
}

function iso(d: Date | null): string | null {
  return d === null ? null : d.toISOString();
}

/** A row of SELECT_VIEW. */
interface ApiTokenViewRow {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  created_by: string;
  /** null when the creator's user row is gone (left join). */
  created_by_email: string | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
  expires_at: Date | null;
}

function toView(r: ApiTokenViewRow): ApiTokenView {
  const revokedAt = iso(r.revoked_at);
  const expiresAt = iso(r.expires_at);
  const expired = r.expires_at !== null && r.expires_at.getTime() <= Date.now();
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    prefix: r.prefix,
    createdBy: r.created_by_email ?? r.created_by,
    createdAt: r.created_at.toISOString(),
    lastUsedAt: iso(r.last_used_at),
    revokedAt,
    expiresAt,
    status: revokedAt ? "revoked" : expired ? "expired" : "active",
  };
}

const SELECT_VIEW = `select t.id, t.name, t.role, t.prefix, t.created_by, u.email as created_by_email, t.created_at,
  t.last_used_at, t.revoked_at, t.expires_at from api_token t left join auth_user u on u.id = t.created_by`;

/** A row of the bearer-token lookup in `actorForToken`. */
interface TokenActorRow {
  id: string;
  name: string;
  role: string;
  expires_at: Date | null;
  user_id: string;
  email: string;
  user_role: string | null;
  banned: boolean | null;
  ban_expires: Date | null;
}

/** How `GET /api/tokens` pages: newest first by (created_at, id). */
export const TOKEN_PAGING = paging({ list: "tokens", key: ["time", "text"], order: "desc", defaultLimit: 100, maxLimit: 500 });

/** One page of tokens, newest first (active, revoked and expired), without secrets. */
export async function listApiTokens(pool: pg.Pool, q: { limit: number; cursor?: KeyValues<typeof TOKEN_PAGING.key> }): Promise<Page<ApiTokenView>> {
  const params: unknown[] = [];
  const after = afterCursor(TOKEN_PAGING, ["t.created_at", "t.id"], q.cursor, params);
  const { rows } = await pool.query<ApiTokenViewRow>(
    `${SELECT_VIEW} where ${after} order by t.created_at desc, t.id desc limit $${params.push(q.limit + 1)}`,
    params,
  );
  const page = pageOf(TOKEN_PAGING, rows, q.limit, (r) => [r.created_at, r.id]);
  return { items: page.items.map(toView), nextCursor: page.nextCursor };
}

/**
 * Creates a token scoped to `role` and audits it in the same transaction. The rule for tokens:
 * only an admin signed in with a session creates them, so a token never mints another token
 * (nor a user) — a leaked token cannot outlive its revocation through children. Returns the token once; only its hash is stored.
 */
export async function createApiToken(
  pool: pg.Pool,
  actor: AuthActor,
  input: { name: string; role: Role; expiresInDays?: number | undefined },
): Promise<{ token: string; apiToken: ApiTokenView }> {
  requireSignedInAdmin(actor, "create API tokens");
  if (!hasRole(actor.role, input.role)) throw new AppError("forbidden", `a ${actor.role} cannot create a token with role ${input.role}`);
  const { token, hash, prefix } = generateToken();
  const id = crypto.randomUUID();
  const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null;
  return withTransaction(pool, async (client) => {
    await client.query(`insert into api_token (id, name, role, token_hash, prefix, created_by, expires_at) values ($1, $2, $3, $4, $5, $6, $7)`, [
      id,
      input.name,
      input.role,
      hash,
      prefix,
      actor.userId,
      expiresAt,
    ]);
    await writeAudit(client, {
      actor,
      action: "api_token.create",
      subjectType: "api_token",
      subjectId: id,
      after: { name: input.name, role: input.role, prefix, expiresAt: expiresAt?.toISOString() ?? null },
    });
    const { rows } = await client.query<ApiTokenViewRow>(`${SELECT_VIEW} where t.id = $1`, [id]);
    return { token, apiToken: toView(rows[0]!) };
  });
}

/**
 * Revokes a token at once: the update's trigger tells every instance to forget the cached token
 * and disconnect its sockets. Idempotent.
 */
export async function revokeApiToken(pool: pg.Pool, actor: AuthActor, id: string): Promise<ApiTokenView> {
  return withTransaction(pool, async (client) => {
    const cur = await client.query<{ id: string; revoked_at: Date | null }>(`select id, revoked_at from api_token where id = $1 for update`, [id]);
    if (!cur.rows[0]) throw new AppError("not_found", `unknown API token ${id}`);
    if (!cur.rows[0].revoked_at) {
      const upd = await client.query<{ revoked_at: Date }>(`update api_token set revoked_at = now() where id = $1 returning revoked_at`, [id]);
      await writeAudit(client, {
        actor,
        action: "api_token.revoke",
        subjectType: "api_token",
        subjectId: id,
        before: { revokedAt: null },
        after: { revokedAt: upd.rows[0]!.revoked_at.toISOString() },
      });
    }
    const { rows } = await client.query<ApiTokenViewRow>(`${SELECT_VIEW} where t.id = $1`, [id]);
    return toView(rows[0]!);
  });
}

const LAST_USED = processSlot<Map<string, number>>("tokenLastUsed");

/** Records that a token was used (at most once a minute per token and instance; never waits). */
export function touchTokenUse(pool: pg.Pool, id: string): void {
  const seen = LAST_USED.getOrCreate(() => new Map());
  const now = Date.now();
  if (now - (seen.get(id) ?? 0) < LAST_USED_RESOLUTION_MS) return;
  seen.set(id, now);
  // The SQL condition keeps several instances from each writing once a minute.
  pool
    .query(`update api_token set last_used_at = now() where id = $1 and (last_used_at is null or last_used_at < now() - interval '1 minute')`, [id])
    .catch((err: unknown) => log.warn({ err, tokenId: id }, "could not record token use"));
}

/**
 * Who a bearer token acts as, or null when it is malformed, unknown, revoked, expired, or its
 * creator is banned or no longer has a role. Acts with the lower of the token's role and the
 * creator's current role, so demoting a person also demotes their tokens.
 */
export async function resolveToken(pool: pg.Pool, token: string): Promise<ResolvedAccess | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const { rows } = await pool.query<TokenActorRow>(
    `select t.id, t.name, t.role, t.expires_at, u.id as user_id, u.email, u.role as user_role, u.banned, u.ban_expires
       from api_token t join auth_user u on u.id = t.created_by
      where t.token_hash = $1 and t.revoked_at is null and (t.expires_at is null or t.expires_at > now())`,
    [hashToken(token)],
  );
  const r = rows[0];
  if (!r || !isRole(r.role) || !isRole(r.user_role)) return null;
  if (r.banned && !(r.ban_expires !== null && r.ban_expires.getTime() < Date.now())) return null;
  return {
    actor: { name: `${r.email} [token ${r.name}]`, role: lowerRole(r.role, r.user_role), via: "token", userId: r.user_id, email: r.email, tokenId: r.id },
    sessionId: null,
    expiresAt: r.expires_at?.getTime() ?? null,
  };
}
