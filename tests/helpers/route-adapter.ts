import type http from "node:http";
import { NextRequest } from "next/server";

/** A route handler as exported from an app/api route file. */
export type Handler = (req: NextRequest, ctx: { params: Promise<never> }) => Promise<Response>;
export type RouteModule = Partial<Record<"GET" | "POST" | "PATCH" | "PUT" | "DELETE", Handler>>;
/** One route: its path pattern, its module, and the params Next would hand the handler. */
export interface RouteEntry {
  pattern: RegExp;
  mod: RouteModule;
  params(m: RegExpExecArray): Record<string, unknown>;
}

/**
 * A node:http request listener that serves route handlers the way Next does (a NextRequest in,
 * the Response's status, headers, cookies and body out), so tests drive the real handlers over
 * real HTTP. `stamp` runs first, as server.ts's request listener does (the client address).
 */
export function routeAdapter(routes: RouteEntry[], stamp: (req: http.IncomingMessage) => void) {
  return async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    stamp(req);
    const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
    const found = routes.map((r) => ({ r, m: r.pattern.exec(url.pathname) })).find((x) => x.m);
    const handler = found?.r.mod[req.method as keyof RouteModule];
    if (!found?.m || !handler) {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
    const body = chunks.length > 0 && req.method !== "GET" && req.method !== "HEAD" ? Buffer.concat(chunks) : undefined;
    const out = await handler(new NextRequest(url, { method: req.method, headers, body }), { params: Promise.resolve(found.r.params(found.m) as never) });
    res.statusCode = out.status;
    out.headers.forEach((v, k) => {
      if (k !== "set-cookie") res.setHeader(k, v);
    });
    const cookies = out.headers.getSetCookie();
    if (cookies.length > 0) res.setHeader("set-cookie", cookies);
    res.end(Buffer.from(await out.arrayBuffer()));
  };
}
