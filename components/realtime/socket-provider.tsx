"use client";
import { useQueryClient } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { io, type Socket } from "socket.io-client";
import type { ClientEvents, Room, ServerEvents } from "@/lib/realtime/events";

export type AppSocket = Socket<ServerEvents, ClientEvents>;
export type ConnectionState = "connecting" | "connected" | "reconnecting";

const SocketContext = createContext<{ socket: AppSocket | null; state: ConnectionState }>({ socket: null, state: "connecting" });

/** One Socket.IO connection per tab. On reconnect every query is refetched: missed events are not trusted. */
export function SocketProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [socket, setSocket] = useState<AppSocket | null>(null);
  const [state, setState] = useState<ConnectionState>("connecting");

  useEffect(() => {
    const s: AppSocket = io({ transports: ["websocket", "polling"] });
    let connectedBefore = false;
    s.on("connect", () => {
      setState("connected");
      if (connectedBefore) void queryClient.invalidateQueries();
      connectedBefore = true;
    });
    s.on("disconnect", () => setState("reconnecting"));
    s.io.on("reconnect_attempt", () => setState("reconnecting"));
    setSocket(s);
    return () => {
      s.close();
    };
  }, [queryClient]);

  return <SocketContext.Provider value={{ socket, state }}>{children}</SocketContext.Provider>;
}

export function useSocket() {
  return useContext(SocketContext);
}

// Rooms are reference-counted per socket: several widgets may show the same room, and one of
// them unmounting (e.g. leaving a page) must not take the room away from the others.
const roomUsers = new WeakMap<AppSocket, Map<Room, number>>();

function usersOf(socket: AppSocket): Map<Room, number> {
  let m = roomUsers.get(socket);
  if (!m) {
    m = new Map();
    roomUsers.set(socket, m);
  }
  return m;
}

/** Joins a room while the component is mounted (and again after every reconnect). */
export function useRoom(room: Room): void {
  const { socket } = useSocket();
  useEffect(() => {
    if (!socket) return;
    const users = usersOf(socket);
    const join = () => socket.emit("room:join", room);
    const count = users.get(room) ?? 0;
    users.set(room, count + 1);
    if (count === 0) join();
    socket.on("connect", join);
    return () => {
      socket.off("connect", join);
      const left = (users.get(room) ?? 1) - 1;
      if (left <= 0) {
        users.delete(room);
        socket.emit("room:leave", room);
      } else users.set(room, left);
    };
  }, [socket, room]);
}

/** Subscribes to one typed server event while mounted. */
export function useSocketEvent<E extends keyof ServerEvents>(event: E, handler: ServerEvents[E]): void {
  const { socket } = useSocket();
  useEffect(() => {
    if (!socket) return;
    socket.on(event, handler as never);
    return () => {
      socket.off(event, handler as never);
    };
  }, [socket, event, handler]);
}
