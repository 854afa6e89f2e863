import type { Logger } from "pino";
import type { Server as SocketServer } from "socket.io";
import { z } from "zod";
import { ROOMS } from "../../../realtime/events";
import { authenticateSocket, roomMinRole } from "../../domains/auth/socket";
import { hasRole } from "../../domains/auth/roles";

const roomSchema = z.enum(ROOMS);

/** Room joins one socket may make per window; each one authenticates again. */
export const JOIN_LIMIT = { joins: 20, windowMs: 10_000 } as const;

/** A fixed-window counter per socket: true while the socket is within JOIN_LIMIT. */
function joinBudget(now: () => number = Date.now): () => boolean {
  let windowStart = 0;
  let used = 0;
  return () => {
    const t = now();
    if (t - windowStart >= JOIN_LIMIT.windowMs) {
      windowStart = t;
      used = 0;
    }
    return ++used <= JOIN_LIMIT.joins;
  };
}

/**
 * Socket handlers: clients join and leave the rooms they show; payloads are validated.
 * Sockets arrive authenticated (`startSocketAccessControl`); each join authenticates again
 * (a cache hit while access is unchanged), so a socket whose session ended or token was revoked
 * is disconnected instead of joining, and a room only admits the roles it allows
 * (`ROOM_MIN_ROLE`). Joins are limited per socket (JOIN_LIMIT).
 */
export function attachSocketHandlers(io: SocketServer, log: Logger): void {
  io.on("connection", (socket) => {
    const mayJoin = joinBudget();
    socket.on("room:join", (room: unknown, ack?: unknown) => {
      const reply = typeof ack === "function" ? (ack as (r: unknown) => void) : () => undefined;
      if (!mayJoin()) {
        reply({ ok: false, msg: `too many room joins: at most ${JOIN_LIMIT.joins} per ${JOIN_LIMIT.windowMs / 1000} s` });
        return;
      }
      const parsed = roomSchema.safeParse(room);
      if (!parsed.success) {
        reply({ ok: false, msg: `unknown room; expected one of ${ROOMS.join(", ")}` });
        return;
      }
      void authenticateSocket(socket)
        .then((actor) => {
          if (!actor) {
            reply({ ok: false, msg: "unauthorized" });
            socket.disconnect(true);
            return;
          }
          socket.data.actor = actor;
          const min = roomMinRole(parsed.data);
          if (!hasRole(actor.role, min)) {
            reply({ ok: false, msg: `forbidden: room ${parsed.data} requires the ${min} role` });
            return;
          }
          void socket.join(parsed.data);
          reply({ ok: true, data: { room: parsed.data } });
        })
        .catch((err: unknown) => {
          log.warn({ err }, "room join failed");
          reply({ ok: false, msg: "internal error" });
        });
    });
    socket.on("room:leave", (room: unknown) => {
      const parsed = roomSchema.safeParse(room);
      if (parsed.success) void socket.leave(parsed.data);
    });
    socket.on("error", (err) => log.warn({ err }, "socket error"));
  });
}
