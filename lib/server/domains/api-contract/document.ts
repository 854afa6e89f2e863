import { createDocument } from "zod-openapi";
import { TOKEN_PREFIX } from "../auth/api-tokens";
import { accessPaths } from "./access-paths";
import { marketPaths } from "./market-paths";
import { monitoringPaths } from "./monitoring-paths";
import { optimizationPaths } from "./optimization-paths";
import { systemPaths } from "./system-paths";

/** The version of the contract: bump it when a route, field or status changes incompatibly. */
export const API_VERSION = "1.0.0";

const DESCRIPTION = `Every route of Perfpilot's HTTP API, generated from the zod schemas the routes validate with
(lib/server/domains/*/…-schemas.ts), so the document and the validation cannot disagree.

**Authentication.** Send an API token as \`Authorization: Bearer ${TOKEN_PREFIX}…\` (admins create them
at /admin/tokens), or the session cookie that signing in sets. Each operation names the lowest
role that may call it (\`x-access\`: public, viewer, operator or admin; higher roles may too).
Cookie-authenticated writes must come from the app's own origin (or a trusted one).

**Errors.** Every refusal is \`{"error": {"code", "message", "details"}}\`; \`details\` lists the
invalid fields as \`{path, message}\` for 400 and 422. Each operation lists the statuses it answers.
A 500 (\`code: internal\`, no internals) is a bug on any route; the fuzz test in \`npm test\`
sends malformed input to every operation and fails on any 5xx.

**Paging.** Every list is paged by keyset: \`?limit=\` (each list documents its default and its
maximum; above the maximum is a 422 naming \`limit\`) and \`?cursor=\` (the previous answer's
\`nextCursor\`, unchanged). Answers keep their keys and add \`nextCursor\`, null on the last page.
A cursor that is not one of this list's is a 422 naming \`cursor\`. Pages follow a stable order (the
sort key ends with a unique id), so paging to the end returns every row once.

**Caching.** Answers carrying data are \`Cache-Control: no-store\`.`;

/** Every operation with its zod schemas (the document is generated from these). */
export const API_PATHS = { ...marketPaths, ...optimizationPaths, ...monitoringPaths, ...systemPaths, ...accessPaths };

let cached: ReturnType<typeof createDocument> | undefined;

/**
 * The OpenAPI 3.1 document of every route under app/api (built once per process: the schemas
 * do not change at run time). tests/unit/api-contract.test.ts proves it valid and complete.
 */
export function openApiDocument(): ReturnType<typeof createDocument> {
  cached ??= createDocument({
    openapi: "3.1.0",
    info: { title: "Perfpilot API", version: API_VERSION, description: DESCRIPTION },
    tags: [
      { name: "Market", description: "Symbols, prices, indicators, signals, news and reports." },
      { name: "Optimizations", description: "Operations, their optimizations and rollout, master switches, shadow mismatches." },
      { name: "Comparisons", description: "Live and benchmark comparisons, per-call timings, live analyses." },
      { name: "Alerts", description: "Alerts and silences." },
      { name: "Faults", description: "Fault injection (admin; off unless the server enables it)." },
      { name: "Autopilot", description: "Guarded rollouts the autopilot runs." },
      { name: "Metrics", description: "Rollups and raw samples." },
      { name: "Audit", description: "The audit log." },
      { name: "Tasks", description: "Background tasks." },
      { name: "System", description: "Health, the scheduler, this document." },
      { name: "Access", description: "Users, API tokens, signing in and out." },
    ],
    paths: API_PATHS,
    components: {
      securitySchemes: {
        bearerToken: { type: "http", scheme: "bearer", bearerFormat: `${TOKEN_PREFIX}…`, description: "An API token (created by an admin; shown once)." },
        sessionCookie: {
          type: "apiKey",
          in: "cookie",
          name: "perfpilot.session_token",
          description: "The session cookie that signing in sets (`__Secure-` prefixed over HTTPS).",
        },
      },
    },
  });
  return cached;
}
