import { route, json, parseBody, parseQuery } from "@/lib/server/platform/http/route";
import { pageQuerySchema } from "@/lib/server/platform/http/paging";
import { authConfig } from "@/lib/server/domains/auth/instance";
import { TOKEN_PAGING, createApiToken, listApiTokens } from "@/lib/server/domains/auth/api-tokens";
import { createTokenSchema } from "@/lib/server/domains/auth/auth-schemas";

export const dynamic = "force-dynamic";

/** API tokens (active, revoked, expired) without secrets, newest first, paged (`limit`, `cursor`). */
export const GET = route({ access: "admin" }, async (req) => {
  const page = await listApiTokens(authConfig().pool, parseQuery(req, pageQuerySchema(TOKEN_PAGING)));
  return json({ tokens: page.items, nextCursor: page.nextCursor });
});

/** Creates a token; the response is the only time the token is shown. */
export const POST = route({ access: "admin" }, async (req, _ctx, actor) => {
  const input = await parseBody(req, createTokenSchema);
  const { token, apiToken } = await createApiToken(authConfig().pool, actor, input);
  return json({ token, apiToken, notice: "Store this token now: it is not shown again." }, { status: 201, headers: { "cache-control": "no-store" } });
});
