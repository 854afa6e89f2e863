import type { Server as SocketServer, Socket } from "socket.io";
import { logger } from "../../../log";
import type { Room } from "../../../realtime/events";
import { listenToChannel } from "../../platform/db/listener";
import { ACCESS_CHANNEL, accessCache, parseAccessChange, type AccessChange } from "./access-cache";
import { resolveAccess } from "./authorize";
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

/** What the auth middleware keeps on `socket.data`. */
interface SocketAccess {
  actor?: AuthActor;
  sessionId?: string | null;
  expiresAt?: number | null;
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

async function authenticate(socket: Socket): Promise<SocketAccess | null> {
  const h = handshakeHeaders(socket);
  // Sockets only read: through a database outage, a credential resolved recently still holds.
  const access = await resolveAccess(h, { read: true }).catch(() => null);
  if (!access) return null;
  if (access.actor.via === "session" && crossSite(h)) return null;
  return access;
}

/**
 * Resolves who a socket is (session cookie or `auth.token` / bearer), again. Used on every room
 * join (a cache hit unless access changed), so a socket whose access ended cannot join more.
 */
export async function authenticateSocket(socket: Socket): Promise<AuthActor | null> {
  const access = await authenticate(socket);
  return access?.actor ?? null;
}

/** The rooms that name a socket's credential, so an access change reaches exactly its sockets. */
function accessRooms(a: AuthActor, sessionId: string | null | undefined): string[] {
  return [`access:user:${a.userId}`, a.tokenId ? `access:token:${a.tokenId}` : `access:session:${sessionId ?? "none"}`];
}

function roomOf(change: AccessChange): string {
  return `access:${change.kind}:${change.id}`;
}

/** Authenticates every socket of this instance again and disconnects those whose access ended. */
async function recheckSockets(io: SocketServer): Promise<void> {
  try {
    for (const socket of await io.local.fetchSockets()) {
      const s = io.sockets.sockets.get(socket.id);
      if (s && !(await authenticate(s))) s.disconnect(true);
    }
  } catch (err) {
    log.warn({ err }, "could not re-check sockets after the access listener reconnected");
  }
}

// setTimeout fires at once beyond 2^31-1 ms (~24.8 days); such sockets are re-checked then.
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Socket access control on this instance:
 * - the handshake needs a valid session cookie or API token (`connect_error` "unauthorized");
 * - each socket joins rooms naming its user and its session or token, and is disconnected when
 *   its credential expires;
 * - a notice on ACCESS_CHANNEL (sign-out, password change, role change, disabled user, revoked
 *   token — raised by database triggers, so from any instance or path) drops the cached
 *   credential and disconnects the affected sockets of this instance at once. Every instance
 *   LISTENs itself, so the local sockets are all each one has to drop.
 */
export async function startSocketAccessControl(
  io: SocketServer,
  opts: { connectionString: string; log?: { warn(obj: object, msg: string): void } },
): Promise<{ stop(): Promise<void> }> {
  io.use((socket, next) => {
    authenticate(socket)
      .then((access) => {
        if (!access?.actor) return next(new Error("unauthorized"));
        Object.assign(socket.data as SocketAccess, access);
        next();
      })
      .catch((err: unknown) => {
        log.warn({ err }, "socket authentication failed");
        next(new Error("unauthorized"));
      });
  });
  io.on("connection", (socket) => {
    const { actor, sessionId, expiresAt } = socket.data as SocketAccess;
    if (!actor) return void socket.disconnect(true);
    void socket.join(accessRooms(actor, sessionId));
    if (expiresAt != null) {
      const timer = setTimeout(() => socket.disconnect(true), Math.min(MAX_TIMER_MS, Math.max(0, expiresAt - Date.now())));
      socket.once("disconnect", () => clearTimeout(timer));
    }
  });

  const onNotify = (payload: string) => {
    const change = parseAccessChange(payload);
    if (!change) {
      log.warn({ payload }, "unreadable access notice: forgetting every cached credential");
      accessCache.setListening(true);
      return;
    }
    accessCache.invalidate(change);
    io.local.in(roomOf(change)).disconnectSockets(true);
  };
  const listener = await listenToChannel({
    connectionString: opts.connectionString,
    channel: ACCESS_CHANNEL,
    onNotify,
    // A notice may have been missed while disconnected: start from an empty cache and check
    // every socket of this instance again.
    onReconnect: () => {
      accessCache.setListening(true);
      void recheckSockets(io);
    },
    onDisconnect: () => accessCache.setListening(false),
    log: opts.log ?? log,
  });
  return {
    async stop() {
      accessCache.setListening(false, true);
      await listener.stop();
    },
  };
}
