"use client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { SocketProvider } from "@/components/realtime/socket-provider";

/** React Query for every page; the live connection only for signed-in visitors (`live`). */
export function Providers({ children, live }: { children: ReactNode; live: boolean }) {
  const [client] = useState(() => new QueryClient({ defaultOptions: { queries: { staleTime: 10_000, retry: 2 } } }));
  return <QueryClientProvider client={client}>{live ? <SocketProvider>{children}</SocketProvider> : children}</QueryClientProvider>;
}
