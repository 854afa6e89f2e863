import { route, json, parseBody, parseParam } from "@/lib/server/platform/http/route";
import { authConfig } from "@/lib/server/domains/auth/instance";
import { setUserRole } from "@/lib/server/domains/auth/users";
import { idParamSchema, updateUserSchema } from "@/lib/server/domains/auth/auth-schemas";

export const dynamic = "force-dynamic";

/** Changes a user's role (audited; the last admin cannot be demoted). */
export const PATCH = route<{ id: string }>({ access: "admin" }, async (req, ctx, actor) => {
  const id = await parseParam(ctx, "id", idParamSchema);
  const { role } = await parseBody(req, updateUserSchema);
  return json(await setUserRole(authConfig().pool, actor, id, role));
});
