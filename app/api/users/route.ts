import { route, json, parseBody, parseQuery } from "@/lib/server/platform/http/route";
import { pageQuerySchema } from "@/lib/server/platform/http/paging";
import { authConfig } from "@/lib/server/domains/auth/instance";
import { USER_PAGING, createUser, listUsers } from "@/lib/server/domains/auth/users";
import { createUserSchema } from "@/lib/server/domains/auth/auth-schemas";

export const dynamic = "force-dynamic";

/** Users with role and last sign-in, oldest first, paged (`limit`, `cursor`). */
export const GET = route({ access: "admin" }, async (req) => {
  const page = await listUsers(authConfig().pool, parseQuery(req, pageQuerySchema(USER_PAGING)));
  return json({ users: page.items, nextCursor: page.nextCursor });
});

/** Creates a user with a role; a generated password is returned once. */
export const POST = route({ access: "admin" }, async (req, _ctx, actor) => {
  const input = await parseBody(req, createUserSchema);
  const { user, password } = await createUser(authConfig().pool, actor, input);
  return json(password ? { user, password, notice: "Give this password to the user now: it is not shown again." } : { user }, {
    status: 201,
    headers: { "cache-control": "no-store" },
  });
});
