import { route, json, parseBody, parseParam } from "@/lib/server/platform/http/route";
import { authConfig } from "@/lib/server/domains/auth/instance";
import { updateUser } from "@/lib/server/domains/auth/users";
import { idParamSchema, updateUserSchema } from "@/lib/server/domains/auth/auth-schemas";

export const dynamic = "force-dynamic";

/**
 * Changes a user's role and/or disables or re-enables them (audited; the last admin cannot be
 * demoted or disabled). Disabling ends their sessions, revokes their tokens and drops their
 * sockets on every instance.
 */
export const PATCH = route<{ id: string }>({ access: "admin" }, async (req, ctx, actor) => {
  const id = await parseParam(ctx, "id", idParamSchema);
  const update = await parseBody(req, updateUserSchema);
  return json(await updateUser(authConfig().pool, actor, id, update));
});
