import type { Socket } from "socket.io";
import { logger } from "../../../log";
import type { Room } from "../../../realtime/events";
import { resolveActor } from "./authorize";
import { trustedOrigins } from "./instance";
import { header, isAllowedOrigin, requestOrigin, type HeaderSource } from "./origins";
import type { Role } from "./roles";
import type { AuthActor } from "./types";

const log = logger.child({ component: "auth.socket" });

/**
 * The lowest role that may join each room. Every current room carries viewer-level data; a
 * room that needs more (e.g. an admin-only audit stream) is listed here.
 */
export const ROOM_MIN_ROLE: Partial<Record<Room, Role>> = {};

/** The role a room requires (viewer unless listed in ROOM_MIN_ROLE). */
export function roomMinRole(room: Room): Role {
  return ROOM_MIN_ROLE[room] ?? "viewer";
}

/** The handshake's headers, with `auth.token` (what browsers can send) as the bearer token when given. */
function handshakeHeaders(socket: Socket): HeaderSource {
  const headers: Record<string, string | string[] | undefined> = { ...socket.handshake.headers };
  const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
  if (typeof token === "string" && token) headers.authorization = /^Bearer\s/i.test(token) ? token : `Bearer ${token}`;
  return headers;
}

/**
 * Cross-site WebSocket hijacking guard for cookie-authenticated handshakes: WebSockets are not
 * covered by CORS, so a foreign page could open one with the victim's cookie. Browsers always
 * send Origin on WebSocket and cross-origin requests; a same-origin polling GET may carry only
 * Referer, or nothing, which is fine as long as the browser does not call it cross-site.
 */
function crossSite(h: HeaderSource): boolean {
  if (requestOrigin(h) !== null) return !isAllowedOrigin(h, trustedOrigins());
  return header(h, "sec-fetch-site") === "cross-site";
}

/**
 * Resolves who a socket is (session cookie or `auth.token` / bearer), again. Used at connect
 * and on every room join, so a signed-out session or revoked token cannot join more rooms.
 */
export async function authenticateSocket(socket: Socket): Promise<AuthActor | null> {
  const h = handshakeHeaders(socket);
  const actor = await resolveActor(h).catch(() => null);
  if (!actor) return null;
  if (actor.via === "session" && crossSite(h)) return null;
  return actor;
}

/**
 * Socket.IO middleware (`io.use(socketAuthMiddleware())`): refuses sockets without a valid
 * session cookie or API token (`connect_error` "unauthorized") and remembers the actor on
 * `socket.data.actor` for the room checks.
 */
export function socketAuthMiddleware(): (socket: Socket, next: (err?: Error) => void) => void {
  return (socket, next) => {
    authenticateSocket(socket)
      .then((actor) => {
        if (!actor) return next(new Error("unauthorized"));
        (socket.data as { actor?: AuthActor }).actor = actor;
        next();
      })
      .catch((err: unknown) => {
        log.warn({ err }, "socket authentication failed");
        next(new Error("unauthorized"));
      });
  };
}
