import type { Actor } from "../../../optimizer/types";
import type { Role } from "./roles";

/** A signed-in person or an API token, as every route and socket handler sees it. */
export interface AuthActor extends Actor {
  /** The user's e-mail; for a token, `email [token name]`, so the audit log says which one acted. */
  name: string;
  role: Role;
  /** The client's address (audit origin). */
  origin: string;
  via: "session" | "token";
  /** The user, or the token's creator. */
  userId: string;
  email: string;
  tokenId: string | null;
}
