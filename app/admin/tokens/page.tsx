import type { Metadata } from "next";
import { TokensBoard } from "@/components/admin/tokens-board";
import { requirePageSession } from "@/lib/server/domains/auth/page-session";
import { ROLES } from "@/lib/server/domains/auth/roles";

export const metadata: Metadata = { title: "API tokens · Perfpilot" };
export const dynamic = "force-dynamic";

/** API tokens for scripts and CI (admins only; the API checks again). */
export default async function TokensPage() {
  await requirePageSession("admin", "/admin/tokens");
  return (
    <>
      <h1>API tokens</h1>
      <TokensBoard roles={ROLES} />
    </>
  );
}
