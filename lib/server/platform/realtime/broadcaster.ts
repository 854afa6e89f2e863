import type { Server as SocketServer } from "socket.io";
import type { Broadcaster } from "../../../realtime/events";

/**
 * Socket.IO implementation of the broadcaster port: to a room when given, else to everyone; on
 * every instance through the Postgres adapter, or on this one only (`publishLocal`).
 */
export function socketBroadcaster(io: SocketServer): Broadcaster {
  return {
    publish(event, payload, room) {
      const target = room ? io.to(room) : io;
      (target.emit as (e: string, p: unknown) => void)(event, payload);
    },
    publishLocal(event, payload, room) {
      const target = room ? io.local.to(room) : io.local;
      (target.emit as (e: string, p: unknown) => void)(event, payload);
    },
  };
}
