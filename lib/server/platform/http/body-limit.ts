import type { IncomingMessage, ServerResponse } from "node:http";

// No `import "server-only"`: server.ts (outside Next's bundle) installs this guard.

/** Request-body caps, in bytes: API bodies are small JSON; pages (server actions, forms) get more room. */
export const BODY_LIMITS = { api: 64 * 1024, other: 1024 * 1024 } as const;

/** The cap for a request path: `/api/…` (better-auth included) or anything else. */
export function bodyLimitFor(url: string | undefined): number {
  return url?.startsWith("/api/") ? BODY_LIMITS.api : BODY_LIMITS.other;
}

function refuse(req: IncomingMessage, res: ServerResponse, maxBytes: number): void {
  if (!res.headersSent && !res.writableEnded) {
    const body = JSON.stringify({ error: { code: "payload_too_large", message: `body larger than ${maxBytes} bytes`, details: null } });
    res.writeHead(413, { "content-type": "application/json", "content-length": Buffer.byteLength(body), connection: "close", "cache-control": "no-store" });
    res.end(body);
  }
  // The client may still be sending: close the connection once the 413 is out, so neither the
  // rest of the body nor a keep-alive request after it is read.
  const drop = () => req.socket.destroy();
  if (res.writableFinished) setImmediate(drop);
  else res.once("finish", () => setImmediate(drop)).once("close", drop);
}

/**
 * Caps a request's body while it streams in, whatever reads it (Next, better-auth, a route):
 * a declared Content-Length over the cap is refused at once; a chunked body is counted chunk by
 * chunk as the socket delivers it, and past the cap the request gets a 413 and its connection is
 * closed: at most one chunk past the cap is ever held in memory.
 *
 * It counts in `req.push`, the method Node's HTTP parser calls for every body chunk, rather than
 * with a `data` listener: a listener would switch the stream to flowing mode and lose the data
 * for the real consumer; wrapping `req` in another stream would hide the IncomingMessage that
 * Next needs. Returns false when the request was refused before the handler should run.
 */
export function limitRequestBody(req: IncomingMessage, res: ServerResponse, maxBytes: number): boolean {
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > maxBytes) {
    refuse(req, res, maxBytes);
    return false;
  }
  let received = 0;
  let refused = false;
  const push = req.push.bind(req);
  req.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    if (refused) return false;
    if (chunk !== null && chunk !== undefined) {
      received += typeof chunk === "string" ? Buffer.byteLength(chunk, encoding) : (chunk as Uint8Array).byteLength;
      if (received > maxBytes) {
        // The chunk is dropped and the reader (Next's body stream) never sees an end: a truncated
        // body must not pass for a complete one. It sees the request aborted when the socket closes.
        refused = true;
        // The handler may still try to answer after the 413 went out; that is not a process error.
        res.on("error", () => undefined);
        refuse(req, res, maxBytes);
        return false;
      }
    }
    return push(chunk, encoding);
  };
  return true;
}
