import { route, json, parseBody } from "@/lib/server/platform/http/route";
import { authConfig } from "@/lib/server/domains/auth/instance";
import { createUser, listUsers } from "@/lib/server/domains/auth/users";
import { createUserSchema } from "@/lib/server/domains/auth/auth-schemas";

export const dynamic = "force-dynamic";

/** Every user with role and last sign-in. */
export const GET = route({ access: "admin" }, async () => json({ users: await listUsers(authConfig().pool) }));

/** Creates a user with a role; a generated password is returned once. */
export const POST = route({ access: "admin" }, async (req, _ctx, actor) => {
  const input = await parseBody(req, createUserSchema);
  const { user, password } = await createUser(authConfig().pool, actor, input);
  return json(password ? { user, password, notice: "Give this password to the user now: it is not shown again." } : { user }, {
    status: 201,
    headers: { "cache-control": "no-store" },
  });
});
