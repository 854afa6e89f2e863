"use client";

import { useState, type FormEvent } from "react";
import { NewPasswordForm } from "./new-password-form";
import styles from "./sign-in.module.css";

type Failure = { kind: "credentials" | "rate_limited" | "other"; message: string };

async function describeFailure(res: Response): Promise<Failure> {
  if (res.status === 401) return { kind: "credentials", message: "Wrong e-mail or password." };
  if (res.status === 429) {
    const seconds = Number(res.headers.get("retry-after") ?? "0");
    const minutes = Math.max(1, Math.ceil(seconds / 60));
    return { kind: "rate_limited", message: `Too many failed attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.` };
  }
  const body = (await res.json().catch(() => null)) as { message?: string; error?: { message?: string } } | null;
  return { kind: "other", message: body?.error?.message ?? body?.message ?? `Sign-in failed (HTTP ${res.status}).` };
}

/**
 * E-mail + password form; on success loads `next` (a same-site path checked by the page), or
 * first asks for a new password when the one used was a one-time password.
 */
export function SignInForm({ next }: { next: string }) {
  const [pending, setPending] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [oneTimePassword, setOneTimePassword] = useState<string | null>(null);

  // Never rejects (every failure becomes a message on the form), so the form fires it with `void`.
  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const password = String(data.get("password") ?? "");
    setPending(true);
    setFailure(null);
    try {
      const res = await fetch("/api/auth/sign-in/email", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: String(data.get("email") ?? ""), password }),
        credentials: "same-origin",
      });
      if (!res.ok) {
        setFailure(await describeFailure(res));
        return;
      }
      const body = (await res.json().catch(() => null)) as { user?: { mustChangePassword?: boolean } } | null;
      if (body?.user?.mustChangePassword) {
        setOneTimePassword(password);
        return;
      }
      // A full load, not a client navigation: server components must render with the new cookie.
      window.location.assign(next);
    } catch {
      setFailure({ kind: "other", message: "Could not reach the server." });
    } finally {
      setPending(false);
    }
  }

  if (oneTimePassword !== null) return <NewPasswordForm next={next} currentPassword={oneTimePassword} />;

  return (
    <form className={styles.form} onSubmit={(e) => void onSubmit(e)} method="post" noValidate={false}>
      <div className={styles.field}>
        <label htmlFor="sign-in-email">E-mail</label>
        <input id="sign-in-email" name="email" type="email" autoComplete="username" required autoFocus />
      </div>
      <div className={styles.field}>
        <label htmlFor="sign-in-password">Password</label>
        <input id="sign-in-password" name="password" type="password" autoComplete="current-password" required minLength={8} />
      </div>
      {failure && (
        <p className={styles.error} role="alert" data-testid="sign-in-error" data-kind={failure.kind}>
          {failure.message}
        </p>
      )}
      <button type="submit" className="primary" disabled={pending} data-testid="sign-in-submit">
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
