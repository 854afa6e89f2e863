import { route, json } from "@/lib/server/platform/http/route";
import { openApiDocument } from "@/lib/server/domains/api-contract/document";

/** The OpenAPI 3.1 contract of every route (readable at /api-docs). Public: it describes, it holds no data. */
export const GET = route({ access: "public" }, async () => json(openApiDocument(), { headers: { "cache-control": "public, max-age=300" } }));
