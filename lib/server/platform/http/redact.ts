import { hasRole } from "../../domains/auth/roles";
import type { AuthActor } from "../../domains/auth/types";

// Error text recorded by tasks and crawlers carries internals (host names, SQL, file paths).
// Operators need it to act; viewers see that something failed, not how.

/** What a viewer reads in place of an internal error text. */
export const REDACTED_ERROR = "failed (the details are visible to operators)";

/** The internal error text for operators and above; a fixed notice for viewers; null stays null. */
export function internalErrorFor(actor: Pick<AuthActor, "role">, text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  return hasRole(actor.role, "operator") ? text : REDACTED_ERROR;
}
