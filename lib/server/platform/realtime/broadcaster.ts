import type { Server as SocketServer } from "socket.io";
import type { Broadcaster } from "../../../realtime/events";

/** Socket.IO implementation of the broadcaster port: to a room when given, else to everyone. */
export function socketBroadcaster(io: SocketServer): Broadcaster {
  return {
    publish(event, payload, room) {
      const target = room ? io.to(room) : io;
      (target.emit as (e: string, p: unknown) => void)(event, payload);
    },
  };
}
