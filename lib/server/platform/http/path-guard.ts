import type { IncomingMessage, ServerResponse } from "node:http";

// No `import "server-only"`: server.ts (outside Next's bundle) installs this guard.

function decodes(segment: string): boolean {
  try {
    decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}

/**
 * Refuses an API path that is not valid percent-encoding (`/api/tasks/%FF%FE`) with a JSON 400
 * naming the segment, before Next sees it. Next 16 (production) turns such a path into a
 * DecodeError, tries to render a `/400` page the app router does not have, and answers a
 * plain-text 500 (next/dist/server/lib/router-server.js); route() never runs, so it cannot
 * answer for itself. Returns false when the request was answered here.
 */
export function refuseMalformedApiPath(req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? "/";
  if (!url.startsWith("/api/")) return true;
  const q = url.indexOf("?");
  const segments = (q < 0 ? url : url.slice(0, q)).split("/");
  const index = segments.findIndex((s) => !decodes(s));
  if (index < 0) return true;
  const raw = segments[index]!;
  const shown = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
  const body = JSON.stringify({
    error: {
      code: "bad_request",
      message: `path segment ${index} ("${shown}") is not valid percent-encoding`,
      details: [{ path: `path[${index}]`, message: "invalid percent-encoding" }],
    },
  });
  res.writeHead(400, { "content-type": "application/json", "content-length": Buffer.byteLength(body), "cache-control": "no-store" });
  res.end(body);
  // The body, if any, is not read; draining it keeps the connection usable.
  req.resume();
  return false;
}
