import type { Logger } from "pino";
import type { Server as SocketServer } from "socket.io";
import { z } from "zod";
import { ROOMS } from "../../realtime/events";

const roomSchema = z.enum(ROOMS);

/** Socket handlers: clients join and leave the rooms they show; payloads are validated. */
export function attachSocketHandlers(io: SocketServer, log: Logger): void {
  io.on("connection", (socket) => {
    socket.on("room:join", (room: unknown, ack?: unknown) => {
      const parsed = roomSchema.safeParse(room);
      const reply = typeof ack === "function" ? (ack as (r: unknown) => void) : () => undefined;
      if (!parsed.success) {
        reply({ ok: false, msg: `unknown room; expected one of ${ROOMS.join(", ")}` });
        return;
      }
      void socket.join(parsed.data);
      reply({ ok: true, data: { room: parsed.data } });
    });
    socket.on("room:leave", (room: unknown) => {
      const parsed = roomSchema.safeParse(room);
      if (parsed.success) void socket.leave(parsed.data);
    });
    socket.on("error", (err) => log.warn({ err }, "socket error"));
  });
}
