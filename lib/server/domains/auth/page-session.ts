import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { AppError } from "../../../errors";
import { resolveAccess } from "./authorize";
import { getAuth } from "./instance";
import { safeNextPath } from "./next-path";
import { hasRole, type Role } from "./roles";
import type { AuthActor } from "./types";

export { safeNextPath };

/** The signed-in actor of the current page request, or null (server components only). */
export async function pageActor(): Promise<AuthActor | null> {
  try {
    // Pages only read: through a database outage a recently resolved session still shows them.
    return (await resolveAccess(await headers(), { read: true }))?.actor ?? null;
  } catch (err) {
    // A bad token or role-less account reads as "not signed in"; a database outage does not
    // (it reaches the segment's error.tsx instead of bouncing people to the sign-in page).
    if (AppError.is(err)) return null;
    throw err;
  }
}

/**
 * The signed-in user of the current page request when they hold a one-time password they
 * must change first (the sign-in page then asks for a new one), else null.
 */
export async function pendingPasswordChange(): Promise<{ email: string } | null> {
  const session = await getAuth().api.getSession({ headers: await headers() });
  return session?.user.mustChangePassword === true ? { email: session.user.email } : null;
}

/**
 * For server components and pages: the signed-in actor, or a redirect to
 * `/sign-in?next=<nextPath>` when nobody is signed in. A signed-in user below `minRole` gets
 * a 403 error (the segment's error.tsx), not a sign-in loop.
 *
 * Call it in each page (layouts are not re-run on client navigation, and the sign-in page
 * itself must stay reachable): `const actor = await requirePageSession("viewer", "/market");`
 */
export async function requirePageSession(minRole: Role = "viewer", nextPath?: string): Promise<AuthActor> {
  const actor = await pageActor();
  // No actor also covers a session that must change its password first (resolveActor refuses
  // it): the sign-in page sees that session and asks for the new password.
  if (!actor) {
    const next = safeNextPath(nextPath);
    redirect(next === "/" ? "/sign-in" : `/sign-in?next=${encodeURIComponent(next)}`);
  }
  if (!hasRole(actor.role, minRole)) throw new AppError("forbidden", `this page requires the ${minRole} role`);
  return actor;
}
