import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { pageActor, safeNextPath } from "@/lib/server/domains/auth/page-session";
import { SignInForm } from "./sign-in-form";
import styles from "./sign-in.module.css";

export const metadata: Metadata = { title: "Sign in · Perfpilot" };
export const dynamic = "force-dynamic";

/** Sign-in page; already signed-in visitors go straight to `next`. */
export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = (await searchParams).next;
  const next = safeNextPath(Array.isArray(raw) ? raw[0] : raw);
  if (await pageActor()) redirect(next);
  return (
    <section className={styles.card} aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in</h1>
      <SignInForm next={next} />
      <p className={styles.notice}>First start? The admin password was printed once in the terminal running Perfpilot.</p>
    </section>
  );
}
