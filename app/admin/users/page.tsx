import type { Metadata } from "next";
import { UsersBoard } from "@/components/admin/users-board";
import { requirePageSession } from "@/lib/server/domains/auth/page-session";
import { ROLES } from "@/lib/server/domains/auth/roles";

export const metadata: Metadata = { title: "Users · Perfpilot" };
export const dynamic = "force-dynamic";

/** People and their roles (admins only; the API checks again). */
export default async function UsersPage() {
  await requirePageSession("admin", "/admin/users");
  return (
    <>
      <h1>Users</h1>
      <UsersBoard roles={ROLES} />
    </>
  );
}
