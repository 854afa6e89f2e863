import { route, json, parseBody } from "@/lib/server/platform/http/route";
import { authConfig } from "@/lib/server/domains/auth/instance";
import { createApiToken, listApiTokens } from "@/lib/server/domains/auth/api-tokens";
import { createTokenSchema } from "@/lib/server/domains/auth/auth-schemas";

export const dynamic = "force-dynamic";

/** Every API token (active, revoked, expired) without secrets. */
export const GET = route({ access: "admin" }, async () => json({ tokens: await listApiTokens(authConfig().pool) }));

/** Creates a token; the response is the only time the token is shown. */
export const POST = route({ access: "admin" }, async (req, _ctx, actor) => {
  const input = await parseBody(req, createTokenSchema);
  const { token, apiToken } = await createApiToken(authConfig().pool, actor, input);
  return json({ token, apiToken, notice: "Store this token now: it is not shown again." }, { status: 201, headers: { "cache-control": "no-store" } });
});
