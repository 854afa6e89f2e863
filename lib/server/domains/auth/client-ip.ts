import type { HeaderSource } from "./origins";
import { header } from "./origins";

/**
 * Header carrying the peer address stamped by server.ts (see `stampClientAddress`). A client
 * cannot forge it: server.ts overwrites it on every request before Next sees it.
 */
export const CLIENT_IP_HEADER = "x-perfpilot-client-ip";

/**
 * Stamps the TCP peer address on an incoming request, overwriting any value a client sent.
 * Call it first in server.ts's request listener. Next only fills `x-forwarded-for` when it
 * is absent, so without this the address used for rate limits and the audit log is whatever
 * the client claims.
 */
export function stampClientAddress(req: { headers: Record<string, string | string[] | undefined>; socket: { remoteAddress?: string | undefined } }): void {
  req.headers[CLIENT_IP_HEADER] = req.socket.remoteAddress ?? "unknown";
}

/** The client's address: the stamped peer address, else the first `x-forwarded-for` hop, else "local". */
export function clientIp(h: HeaderSource): string {
  const stamped = header(h, CLIENT_IP_HEADER);
  if (stamped) return stamped;
  return header(h, "x-forwarded-for")?.split(",")[0]?.trim() || "local";
}
