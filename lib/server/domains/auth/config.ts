import type pg from "pg";
import { betterAuth } from "better-auth";
import { admin } from "better-auth/plugins/admin";
import { createAccessControl } from "better-auth/plugins/access";
import { adminAc, defaultStatements } from "better-auth/plugins/admin/access";
import { logger } from "../../../log";
import { sameHostOrigin } from "./origins";
import { CLIENT_IP_HEADER } from "./client-ip";

const log = logger.child({ component: "auth" });

/** What the better-auth instance is built from (see `initAuth`). */
export interface AuthConfig {
  pool: pg.Pool;
  /** Public URL of the app, e.g. `http://localhost:3000`; https → Secure cookies. */
  baseURL: string;
  secret: string;
  /** Extra origins allowed to send cookie-authenticated writes (TRUSTED_ORIGINS). */
  trustedOrigins: string[];
  sessionMaxAgeHours: number;
}

/** Table names: prefixed because `user` is a reserved word in Postgres (`select * from user` silently reads current_user). */
export const AUTH_TABLES = { user: "auth_user", session: "auth_session", account: "auth_account", verification: "auth_verification" } as const;

const ac = createAccessControl(defaultStatements);
// Role rules for better-auth's admin plugin. Its HTTP endpoints are not exposed (the catch-all
// route allows only sign-in/out, session and password change): user and role changes go
// through /api/users, where they are audited in the same transaction. The plugin still gives
// the schema (role, ban fields) and refuses sessions for banned users.
const roles = { viewer: ac.newRole({ user: [], session: [] }), operator: ac.newRole({ user: [], session: [] }), admin: adminAc };

/** Builds the one better-auth instance (email + password, sessions in Postgres, roles). */
export function createAuthInstance(cfg: AuthConfig) {
  const expiresIn = Math.round(cfg.sessionMaxAgeHours * 3600);
  return betterAuth({
    appName: "Perfpilot",
    baseURL: cfg.baseURL,
    basePath: "/api/auth",
    secret: cfg.secret,
    database: cfg.pool,
    // No network from the auth layer: telemetry is off by default in this version; say so anyway.
    telemetry: { enabled: false },
    emailAndPassword: {
      enabled: true,
      // Accounts are created by an admin (/api/users) or at first start; nobody signs themselves up.
      disableSignUp: true,
      minPasswordLength: 8,
      maxPasswordLength: 128,
      revokeSessionsOnPasswordReset: true,
    },
    user: {
      modelName: AUTH_TABLES.user,
      fields: { emailVerified: "email_verified", createdAt: "created_at", updatedAt: "updated_at" },
    },
    session: {
      modelName: AUTH_TABLES.session,
      expiresIn,
      // Absolute expiry: a session ends SESSION_MAX_AGE_HOURS after sign-in. A sliding refresh
      // could not reach the browser anyway: our API routes and pages read the session without
      // being able to re-issue better-auth's cookie.
      disableSessionRefresh: true,
      // Every request reads the session row, so sign-out, role changes and bans apply at once.
      cookieCache: { enabled: false },
      fields: {
        expiresAt: "expires_at",
        createdAt: "created_at",
        updatedAt: "updated_at",
        ipAddress: "ip_address",
        userAgent: "user_agent",
        userId: "user_id",
      },
    },
    account: {
      modelName: AUTH_TABLES.account,
      fields: {
        accountId: "account_id",
        providerId: "provider_id",
        userId: "user_id",
        accessToken: "access_token",
        refreshToken: "refresh_token",
        idToken: "id_token",
        accessTokenExpiresAt: "access_token_expires_at",
        refreshTokenExpiresAt: "refresh_token_expires_at",
        createdAt: "created_at",
        updatedAt: "updated_at",
      },
    },
    verification: {
      modelName: AUTH_TABLES.verification,
      fields: { expiresAt: "expires_at", createdAt: "created_at", updatedAt: "updated_at" },
    },
    // The app's own host (judged per request, see origins.ts) plus TRUSTED_ORIGINS.
    trustedOrigins: (request) => {
      const own = request ? sameHostOrigin(request.headers) : null;
      return own ? [...cfg.trustedOrigins, own] : cfg.trustedOrigins;
    },
    // Sign-in is limited per IP + e-mail in the catch-all route (sign-in-limiter.ts): one
    // mechanism, counting failures only, the same in tests and production.
    rateLimit: { enabled: false },
    advanced: {
      cookiePrefix: "perfpilot",
      // Secure only when served over https (directly or behind a TLS proxy whose URL is the
      // baseURL): plain http://localhost must keep working. httpOnly + SameSite=Lax are the
      // library's defaults; restated so a reader does not have to look them up.
      useSecureCookies: cfg.baseURL.startsWith("https://"),
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax", path: "/" },
      // better-auth skips its origin check when NODE_ENV=test; keep it on so tests prove it.
      disableOriginCheck: false,
      disableCSRFCheck: false,
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER, "x-forwarded-for"] },
    },
    logger: {
      // "info", not "warn": at warn/error/debug better-auth also prints every API error through
      // its own console logger; at info everything comes here only.
      level: "info",
      log: (level, message, ...args) => {
        const entry = { args: args.length > 0 ? args : undefined };
        if (level === "error") log.error(entry, message);
        else if (level === "warn") log.warn(entry, message);
        else log.debug(entry, message);
      },
    },
    plugins: [
      admin({
        ac,
        roles,
        defaultRole: "viewer",
        adminRoles: ["admin"],
        schema: {
          user: { fields: { banReason: "ban_reason", banExpires: "ban_expires" } },
          session: { fields: { impersonatedBy: "impersonated_by" } },
        },
      }),
    ],
  });
}

/** The configured better-auth instance type (with the admin plugin's fields). */
export type PerfpilotAuth = ReturnType<typeof createAuthInstance>;
