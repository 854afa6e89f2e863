import { route, json, parseParam } from "@/lib/server/platform/http/route";
import { authConfig } from "@/lib/server/domains/auth/instance";
import { revokeApiToken } from "@/lib/server/domains/auth/api-tokens";
import { idParamSchema } from "@/lib/server/domains/auth/auth-schemas";

export const dynamic = "force-dynamic";

/** Revokes a token: it stops working on the very next request. */
export const DELETE = route<{ id: string }>({ access: "admin" }, async (_req, ctx, actor) => {
  const id = await parseParam(ctx, "id", idParamSchema);
  return json(await revokeApiToken(authConfig().pool, actor, id));
});
