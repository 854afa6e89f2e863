import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import { ZodError, type z } from "zod";
import { AppError } from "../../errors";
import { logger } from "../../log";

const log = logger.child({ component: "http" });

export type RouteContext<P = Record<string, string>> = { params: Promise<P> };

/** JSON with BigInt and Date made safe. */
export function json(data: unknown, init?: ResponseInit): NextResponse {
  const body = JSON.stringify(data, (_k, v) => (typeof v === "bigint" ? Number(v) : v));
  return new NextResponse(body, { ...init, headers: { "content-type": "application/json", ...(init?.headers ?? {}) } });
}

function errorResponse(err: unknown, req: NextRequest): NextResponse {
  if (err instanceof AppError) {
    return json({ error: { code: err.code, message: err.message, details: err.details ?? null } }, { status: err.status });
  }
  if (err instanceof ZodError) {
    return json(
      { error: { code: "validation_failed", message: "invalid input", details: err.issues.map((i) => ({ path: i.path.join("."), message: i.message })) } },
      { status: 422 },
    );
  }
  // Unknown errors are logged with context and answered without internals (no stack, no SQL).
  log.error({ err, method: req.method, url: req.nextUrl.pathname }, "unhandled route error");
  return json({ error: { code: "internal", message: "internal error", details: null } }, { status: 500 });
}

/** Wraps a route handler: errors become `{error: {code, message, details}}` with the right status. */
export function route<P = Record<string, string>>(
  handler: (req: NextRequest, ctx: RouteContext<P>) => Promise<Response>,
) {
  return async (req: NextRequest, ctx: RouteContext<P>): Promise<Response> => {
    try {
      return await handler(req, ctx);
    } catch (err) {
      return errorResponse(err, req);
    }
  };
}

/** Parses query parameters with a zod schema (invalid → 422 with field errors). */
export function parseQuery<S extends z.ZodType>(req: NextRequest, schema: S): z.output<S> {
  return schema.parse(Object.fromEntries(req.nextUrl.searchParams));
}

const MAX_BODY_BYTES = 64 * 1024;

/** Reads and validates a JSON body, bounded in size (bad JSON → 400, invalid → 422, too big → 413). */
export async function parseBody<S extends z.ZodType>(req: NextRequest, schema: S): Promise<z.output<S>> {
  const length = Number(req.headers.get("content-length") ?? "0");
  if (length > MAX_BODY_BYTES) throw new AppError("payload_too_large", `body larger than ${MAX_BODY_BYTES} bytes`);
  const text = await req.text();
  if (text.length > MAX_BODY_BYTES) throw new AppError("payload_too_large", `body larger than ${MAX_BODY_BYTES} bytes`);
  let data: unknown;
  try {
    data = text.length === 0 ? {} : JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "body is not valid JSON");
  }
  return schema.parse(data);
}
