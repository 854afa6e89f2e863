import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { pageActor, pendingPasswordChange, safeNextPath } from "@/lib/server/domains/auth/page-session";
import { NewPasswordForm } from "./new-password-form";
import { SignInForm } from "./sign-in-form";
import styles from "./sign-in.module.css";

export const metadata: Metadata = { title: "Sign in · Perfpilot" };
export const dynamic = "force-dynamic";

/**
 * Sign-in page; already signed-in visitors go straight to `next`, unless they signed in with a
 * one-time password: then they choose a new one here (every other page and the API refuse
 * them until they do).
 */
export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = (await searchParams).next;
  const next = safeNextPath(Array.isArray(raw) ? raw[0] : raw);
  const oneTime = await pendingPasswordChange();
  if (oneTime) {
    return (
      <section className={styles.card} aria-labelledby="new-password-title">
        <h1 id="new-password-title">Choose a new password</h1>
        <p>
          Signed in as <strong>{oneTime.email}</strong>
        </p>
        <NewPasswordForm next={next} />
      </section>
    );
  }
  if (await pageActor()) redirect(next);
  return (
    <section className={styles.card} aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in</h1>
      <SignInForm next={next} />
      <p className={styles.notice}>First start? The terminal running Perfpilot printed the file that holds the admin&apos;s one-time password.</p>
    </section>
  );
}
