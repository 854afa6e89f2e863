import { AppError } from "../../../errors";

/**
 * Roles, ordered: each one may do everything the one before it may.
 * - viewer: read everything (pages, API reads, live rooms)
 * - operator: change optimization states, acknowledge alerts, run benchmarks, cancel tasks
 * - admin: users, roles, API tokens, master switches, autopilot settings, fault injection
 *
 * Pure and free of secrets on purpose (no `server-only`): client components may import it to
 * hide controls a role cannot use; the server still decides.
 */
export const ROLES = ["viewer", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** True when `role` is a known role. */
export function isRole(role: unknown): role is Role {
  return typeof role === "string" && (ROLES as readonly string[]).includes(role);
}

/** True when `role` is `min` or above it; an unknown role satisfies nothing. */
export function hasRole(role: string | null | undefined, min: Role): boolean {
  return isRole(role) && RANK[role] >= RANK[min];
}

/** The lower of two roles (a token never acts above its creator). */
export function lowerRole(a: Role, b: Role): Role {
  return RANK[a] <= RANK[b] ? a : b;
}

/**
 * The rule for managing people and tokens: only an admin signed in with a session does it. An
 * API token — even an admin's — never creates tokens or users nor changes them, so nothing a
 * token made can outlive or outrank the person who revokes it.
 */
export function requireSignedInAdmin(actor: { role: Role; via: "session" | "token" }, what: string): void {
  if (actor.via !== "session") throw new AppError("forbidden", `API tokens cannot ${what}: sign in as an admin to do it`);
  if (!hasRole(actor.role, "admin")) throw new AppError("forbidden", `only admins can ${what}`);
}
