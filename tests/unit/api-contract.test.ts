// The API contract (issue "Hardening", item 10): the OpenAPI document validates as OpenAPI 3.1,
// lists every route file × exported method under app/api and nothing else, declares for each the
// access its handler enforces, and the reference page renders every operation.
import { validate } from "@readme/openapi-parser";
import type { z } from "zod";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import { documentOperations, HTTP_METHODS, relative, resolveRoute, routeFiles } from "../helpers/api-routes";

vi.mock("server-only", () => ({}));

import { API_PATHS, openApiDocument } from "../../lib/server/domains/api-contract/document";
import { updateUserSchema } from "../../lib/server/domains/auth/auth-schemas";
import ApiDocsPage from "../../app/api-docs/page";

const ROUTE_ACCESS = Symbol.for("perfpilot.route.access");
const doc = openApiDocument();
const ops = documentOperations(doc as never);

describe("the OpenAPI document", () => {
  it("validates as OpenAPI 3.1 (schema and semantic checks)", async () => {
    expect(doc.openapi).toBe("3.1.0");
    // The validator dereferences in place: give it a copy.
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid, result.valid ? "" : JSON.stringify(result.errors, null, 2)).toBe(true);
    expect(result.warnings).toEqual([]);
  });

  it("the validator does reject a broken document (a path parameter left undeclared)", async () => {
    const broken = structuredClone(doc) as unknown as { paths: Record<string, Record<string, { parameters?: unknown[] }>> };
    delete broken.paths["/api/tasks/{id}"]!.get!.parameters;
    expect((await validate(broken as never)).valid).toBe(false);
  });

  it("documents every route file × exported method under app/api, and nothing else, with the access the handler enforces", { timeout: 120_000 }, async () => {
    const problems: string[] = [];
    const documented = new Set<string>();
    for (const { method, path: template, op } of ops) {
      const resolved = resolveRoute(template);
      if (!resolved) {
        problems.push(`${method} ${template}: no route file serves it`);
        continue;
      }
      const handler = ((await import(resolved.file)) as Record<string, unknown>)[method] as Record<symbol, unknown> | undefined;
      if (typeof handler !== "function") {
        problems.push(`${method} ${template}: ${relative(resolved.file)} exports no ${method}`);
        continue;
      }
      documented.add(`${method} ${relative(resolved.file)}`);
      if (op["x-access"] !== handler[ROUTE_ACCESS])
        problems.push(`${method} ${template}: documented access ${op["x-access"]}, the route enforces ${String(handler[ROUTE_ACCESS])}`);
    }
    for (const file of routeFiles()) {
      const mod = (await import(file)) as Record<string, unknown>;
      for (const method of HTTP_METHODS) {
        if (typeof mod[method] === "function" && !documented.has(`${method} ${relative(file)}`))
          problems.push(`${method} ${relative(file)}: not in the document`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("describes each operation's errors with the shared error body, and security for every non-public one", () => {
    for (const { method, path: template, op } of ops) {
      const statuses = Object.keys(op.responses);
      expect(
        statuses.some((s) => s.startsWith("2")),
        `${method} ${template}`,
      ).toBe(true);
      if (op["x-access"] !== "public") expect(statuses, `${method} ${template}`).toEqual(expect.arrayContaining(["401", "403"]));
      // Bodies we parse are 400/413/415/422; the auth library's own endpoints answer 400 for invalid fields.
      if (op.requestBody) expect(statuses, `${method} ${template}`).toEqual(expect.arrayContaining(["400", "413", "415"]));
      if (op.requestBody && !template.startsWith("/api/auth/")) expect(statuses, `${method} ${template}`).toContain("422");
    }
    expect(doc.components?.securitySchemes).toHaveProperty("bearerToken");
    expect(doc.components?.securitySchemes).toHaveProperty("sessionCookie");
  });

  it("shows body examples that the route's own schema accepts", () => {
    let examples = 0;
    for (const [template, item] of Object.entries(API_PATHS)) {
      for (const [method, op] of Object.entries(item)) {
        const media = (op as { requestBody?: { content: Record<string, { schema: z.ZodType; example?: unknown }> } }).requestBody?.content["application/json"];
        if (media?.example === undefined) continue;
        examples++;
        const r = media.schema.safeParse(media.example);
        expect(r.success, `${method.toUpperCase()} ${template}: ${JSON.stringify(r.error?.issues)}`).toBe(true);
      }
    }
    expect(examples).toBeGreaterThan(10);
  });

  it("takes request schemas from the modules the routes import (a field added there appears here)", () => {
    const patch = ops.find((o) => o.method === "PATCH" && o.path === "/api/users/{id}")!;
    const body = patch.op.requestBody!.content["application/json"]!.schema as { properties: Record<string, unknown> };
    const shape = (updateUserSchema as unknown as { shape?: Record<string, unknown>; def?: { in?: { shape?: Record<string, unknown> } } }).shape ?? {};
    expect(Object.keys(body.properties).sort()).toEqual(expect.arrayContaining(Object.keys(shape).sort()));
    expect(Object.keys(body.properties)).toContain("role");
  });
});

describe("the reference page", () => {
  it("lists every operation with its parameters and responses", () => {
    const html = renderToStaticMarkup(ApiDocsPage());
    for (const { method, path: template, op } of ops) {
      const id = `${method.toLowerCase()}-${template.replace(/[^a-zA-Z0-9]+/g, "-").replace(/^-|-$/g, "")}`;
      const section = html.slice(html.indexOf(`<h3 id="${id}"`), html.indexOf("</section>", html.indexOf(`<h3 id="${id}"`)));
      expect(section, `${method} ${template}`).toContain(`${template}</code>`);
      for (const p of op.parameters ?? []) expect(section, `${method} ${template} ${p.name}`).toContain(`<code>${p.name}</code>`);
      for (const status of Object.keys(op.responses)) expect(section, `${method} ${template} ${status}`).toContain(`>${status}</dt>`);
    }
    expect(html.match(/<h3 id="(get|post|patch|put|delete)-/g)?.length).toBe(ops.length);
    expect(html).toContain('href="/api/openapi.json"');
    expect(html).toContain('id="schema-Error"');
  });
});
