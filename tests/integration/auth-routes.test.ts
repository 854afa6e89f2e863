// Structural guarantee of access control: every route handler under app/ declares who may call
// it, through `route({ access }, handler)`. Fails listing each offending file and method.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";

// `server-only` throws outside Next's react-server build; route modules are server code.
vi.mock("server-only", () => ({}));

const APP_DIR = path.resolve("app");
const METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE"] as const;
const MUTATING = new Set<string>(["POST", "PATCH", "PUT", "DELETE"]);
const RANK: Record<string, number> = { public: -1, viewer: 0, operator: 1, admin: 2 };
const ROUTE_ACCESS = Symbol.for("perfpilot.route.access");

/**
 * Files whose writes may be below `operator`, with the reason. Nothing else: a write by a
 * viewer or by nobody is a bug.
 */
const WRITE_ALLOW_LIST: Record<string, string> = {
  "app/api/auth/[...all]/route.ts": "better-auth's sign-in/sign-out/password change: public by nature, checks sessions and origins itself",
};

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return routeFiles(p);
    return /^route\.(ts|tsx|js)$/.test(e.name) ? [p] : [];
  });
}

describe("every route declares its access", () => {
  const files = routeFiles(APP_DIR).sort();

  it("finds the route files", () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it("marks every exported handler with route({access}); writes need operator or above", { timeout: 120_000 }, async () => {
    const problems: string[] = [];
    for (const file of files) {
      const rel = path.relative(process.cwd(), file).split(path.sep).join("/");
      let mod: Record<string, unknown>;
      try {
        mod = (await import(file)) as Record<string, unknown>;
      } catch (err) {
        problems.push(`${rel}: cannot be imported (${err instanceof Error ? err.message : String(err)})`);
        continue;
      }
      for (const method of METHODS) {
        const handler = mod[method];
        if (handler === undefined) continue;
        const access = typeof handler === "function" ? (handler as unknown as Record<symbol, unknown>)[ROUTE_ACCESS] : undefined;
        if (access === undefined) {
          problems.push(`${rel} ${method}: not wrapped by route({ access }, handler)`);
        } else if (MUTATING.has(method) && (RANK[access as string] ?? -1) < RANK.operator! && !(rel in WRITE_ALLOW_LIST)) {
          problems.push(`${rel} ${method}: a write with access "${String(access)}" — writes need "operator" or "admin"`);
        }
      }
    }
    if (problems.length > 0) expect.fail(`${problems.length} route handler(s) without a proper access declaration:\n  ${problems.join("\n  ")}\n`);
  });

  it("reads the markers it checks (the access-control routes declare theirs)", async () => {
    const access = async (file: string, method: string) =>
      ((await import(path.resolve(file))) as Record<string, Record<symbol, unknown>>)[method]?.[ROUTE_ACCESS];
    expect(await access("app/api/tokens/route.ts", "GET")).toBe("admin");
    expect(await access("app/api/tokens/route.ts", "POST")).toBe("admin");
    expect(await access("app/api/tokens/[id]/route.ts", "DELETE")).toBe("admin");
    expect(await access("app/api/users/route.ts", "POST")).toBe("admin");
    expect(await access("app/api/users/[id]/route.ts", "PATCH")).toBe("admin");
    expect(await access("app/api/auth/[...all]/route.ts", "POST")).toBe("public");
  });
});
