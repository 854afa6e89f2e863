import net from "node:net";
import { env } from "../../../env";
import type { HeaderSource } from "./origins";
import { header } from "./origins";

/**
 * Header carrying the client address stamped by server.ts (see `stampClientAddress`). A client
 * cannot forge it: server.ts overwrites it on every request before Next sees it.
 */
export const CLIENT_IP_HEADER = "x-perfpilot-client-ip";

/** Which TCP peers are reverse proxies whose `X-Forwarded-For` we believe (TRUSTED_PROXIES). */
export interface TrustedProxies {
  has(address: string): boolean;
}

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) → `10.0.0.1`; anything else unchanged. */
function unmapped(address: string): string {
  const m = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return m ? m[1]! : address;
}

/**
 * An `X-Forwarded-For` hop as an address, or null: proxies write plain addresses, some with a
 * port (`1.2.3.4:5678`, `[2001:db8::1]:443`); anything else was written by a client.
 */
function hopAddress(hop: string): string | null {
  let s = hop.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(s);
  if (bracketed) s = bracketed[1]!;
  else if (/^\d{1,3}(?:\.\d{1,3}){3}:\d+$/.test(s)) s = s.slice(0, s.lastIndexOf(":"));
  s = unmapped(s);
  return net.isIP(s) ? s : null;
}

/** The proxies of a TRUSTED_PROXIES list (addresses and CIDR ranges, checked by lib/env.ts). */
export function trustedProxies(entries: readonly string[]): TrustedProxies {
  const list = new net.BlockList();
  for (const entry of entries) {
    const [address = "", prefix] = entry.split("/");
    const type = net.isIP(address) === 6 ? "ipv6" : "ipv4";
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return {
    has(address) {
      const a = unmapped(address);
      const family = net.isIP(a);
      return family !== 0 && entries.length > 0 && list.check(a, family === 6 ? "ipv6" : "ipv4");
    },
  };
}

let fromEnv: TrustedProxies | null = null;

/**
 * The client's address: the TCP peer, unless the peer is a trusted proxy. Then `X-Forwarded-For`
 * is read from the right (each proxy appends the address it received from): the first hop that
 * is not itself a trusted proxy is the client. Hops to its left were written by the client and
 * are ignored. A hop that is not an address ends the walk at the last proxy's view.
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | null, trusted: TrustedProxies): string {
  let address = peer ? unmapped(peer) : "unknown";
  if (!trusted.has(address) || !forwardedFor) return address;
  const hops = forwardedFor.split(",").reverse();
  for (const hop of hops) {
    const a = hopAddress(hop);
    if (!a) return address;
    address = a;
    if (!trusted.has(a)) return a;
  }
  return address;
}

/**
 * Stamps the client address on an incoming request, overwriting any value a client sent. Call
 * it first in server.ts's request listener. Without it the address used for rate limits and
 * the audit log would be whatever the client claims in `X-Forwarded-For`.
 */
export function stampClientAddress(
  req: { headers: Record<string, string | string[] | undefined>; socket: { remoteAddress?: string | undefined } },
  trusted: TrustedProxies = (fromEnv ??= trustedProxies(env.TRUSTED_PROXIES)),
): void {
  const xff = req.headers["x-forwarded-for"];
  const forwardedFor = Array.isArray(xff) ? xff.join(",") : (xff ?? null);
  req.headers[CLIENT_IP_HEADER] = clientAddress(req.socket.remoteAddress, forwardedFor, trusted);
}

/**
 * The client's address as stamped by server.ts, else "local": a request that did not come
 * through server.ts's listener (a direct call in a test, or a Socket.IO polling request, which
 * Socket.IO answers before that listener) has no address we can trust, and `X-Forwarded-For`
 * alone is whatever the client wrote.
 */
export function clientIp(h: HeaderSource): string {
  return header(h, CLIENT_IP_HEADER) || "local";
}
