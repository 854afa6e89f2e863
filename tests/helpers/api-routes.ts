// Route files under app/api and the OpenAPI document's operations, matched the way Next matches
// URLs to folders: a literal folder, else a dynamic `[name]` folder, else a catch-all `[...name]`.
import fs from "node:fs";
import path from "node:path";

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** One segment of a route file's folder path: a literal, a `[param]`, or a `[...catchAll]`. */
export interface Segment {
  literal?: string;
  param?: string;
  catchAll?: boolean;
}

/** Every route.ts under `dir`, sorted. */
export function routeFiles(dir = path.resolve("app/api")): string[] {
  const walk = (d: string): string[] =>
    fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => {
      const p = path.join(d, e.name);
      if (e.isDirectory()) return walk(p);
      return /^route\.(ts|tsx|js)$/.test(e.name) ? [p] : [];
    });
  return walk(dir).sort();
}

/** `app/api/tasks/[id]/cancel/route.ts` relative to the repository, with forward slashes. */
export function relative(file: string): string {
  return path.relative(process.cwd(), file).split(path.sep).join("/");
}

/** An operation of the document, by method and path template. */
export interface DocumentOperation {
  method: HttpMethod;
  path: string;
  op: {
    parameters?: { name: string; in: string; required?: boolean; schema?: Record<string, unknown> }[];
    requestBody?: { required?: boolean; content: Record<string, { schema?: Record<string, unknown> }> };
    responses: Record<string, unknown>;
    "x-access"?: string;
  };
}

export function documentOperations(doc: { paths?: Record<string, Record<string, unknown>> }): DocumentOperation[] {
  return Object.entries(doc.paths ?? {}).flatMap(([p, item]) =>
    HTTP_METHODS.flatMap((m) => (item[m.toLowerCase()] ? [{ method: m, path: p, op: item[m.toLowerCase()] as DocumentOperation["op"] }] : [])),
  );
}

/**
 * The route file that serves a path template (`/api/tasks/{id}/cancel`), with the folder segments
 * it went through; null when no file does. Templates' `{name}` match a `[name]` folder only.
 */
export function resolveRoute(template: string, appDir = path.resolve("app")): { file: string; segments: Segment[]; catchAllRest: string[] } | null {
  const parts = template.split("/").filter(Boolean);
  let dir = appDir;
  const segments: Segment[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const entries = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory());
    const param = /^\{(.+)\}$/.exec(part)?.[1];
    const literal = param === undefined ? entries.find((e) => e.name === part) : undefined;
    const dynamic = param !== undefined ? entries.find((e) => e.name === `[${param}]`) : undefined;
    if (literal || dynamic) {
      dir = path.join(dir, (literal ?? dynamic)!.name);
      segments.push(literal ? { literal: part } : { param });
      continue;
    }
    const catchAll = entries.find((e) => /^\[\.\.\.(.+)\]$/.test(e.name));
    if (!catchAll) return null;
    const file = path.join(dir, catchAll.name, "route.ts");
    if (!fs.existsSync(file)) return null;
    segments.push({ param: catchAll.name.slice(4, -1), catchAll: true });
    return { file, segments, catchAllRest: parts.slice(i) };
  }
  const file = path.join(dir, "route.ts");
  return fs.existsSync(file) ? { file, segments, catchAllRest: [] } : null;
}
