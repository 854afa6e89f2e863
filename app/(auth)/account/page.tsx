import type { Metadata } from "next";
import { requirePageSession } from "@/lib/server/domains/auth/page-session";
import { SignOutButton } from "../../sign-in/sign-out-button";
import styles from "../../sign-in/sign-in.module.css";
import { ChangePasswordForm } from "./change-password-form";

export const metadata: Metadata = { title: "Account · Perfpilot" };
export const dynamic = "force-dynamic";

/** The signed-in user's account: who they are, their role, password change, sign-out. */
export default async function AccountPage() {
  const actor = await requirePageSession("viewer", "/account");
  return (
    <section className={styles.card} aria-labelledby="account-title">
      <h1 id="account-title">Account</h1>
      <p>
        Signed in as <strong>{actor.email}</strong> (<span data-testid="account-role">{actor.role}</span>)
      </p>
      <ChangePasswordForm />
      <p>
        <SignOutButton />
      </p>
    </section>
  );
}
