"use client";

import { useState, type FormEvent } from "react";
import styles from "./sign-in.module.css";

async function failureMessage(res: Response): Promise<string> {
  const body = (await res.json().catch(() => null)) as { code?: string; message?: string; error?: { message?: string } } | null;
  if (res.status === 400 && body?.code === "INVALID_PASSWORD") return "The current password is wrong.";
  if (res.status === 429) {
    const minutes = Math.max(1, Math.ceil(Number(res.headers.get("retry-after") ?? "0") / 60));
    return `Too many failed attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
  }
  if (res.status === 401) return "Your session ended: sign in again.";
  return body?.error?.message ?? body?.message ?? `Could not change the password (HTTP ${res.status}).`;
}

/**
 * The step after signing in with a one-time password: choose a new one, then go on to `next`.
 * Right after the sign-in form the current password is known (`currentPassword`); after a
 * reload it is asked again.
 */
export function NewPasswordForm({ next, currentPassword }: { next: string; currentPassword?: string }) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // Never rejects (every failure becomes a message on the form), so the form fires it with `void`.
  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const newPassword = String(data.get("newPassword") ?? "");
    if (newPassword !== String(data.get("confirmPassword") ?? "")) {
      setError("The new passwords differ.");
      return;
    }
    setPending(true);
    setError(null);
    try {
      const res = await fetch("/api/auth/change-password", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ currentPassword: currentPassword ?? String(data.get("currentPassword") ?? ""), newPassword, revokeOtherSessions: true }),
        credentials: "same-origin",
      });
      if (!res.ok) {
        setError(await failureMessage(res));
        return;
      }
      // A full load: server components must render with the new session cookie.
      window.location.assign(next);
    } catch {
      setError("Could not reach the server.");
    } finally {
      setPending(false);
    }
  }

  return (
    <form className={styles.form} onSubmit={(e) => void onSubmit(e)} data-testid="new-password-form">
      <p className={styles.notice}>You signed in with a one-time password. Choose your own to continue; the one-time password then stops working.</p>
      {currentPassword === undefined && (
        <div className={styles.field}>
          <label htmlFor="one-time-password">One-time password</label>
          <input id="one-time-password" name="currentPassword" type="password" autoComplete="current-password" required />
        </div>
      )}
      <div className={styles.field}>
        <label htmlFor="new-password">New password (8–128 characters)</label>
        <input id="new-password" name="newPassword" type="password" autoComplete="new-password" required minLength={8} maxLength={128} autoFocus />
      </div>
      <div className={styles.field}>
        <label htmlFor="confirm-password">New password, again</label>
        <input id="confirm-password" name="confirmPassword" type="password" autoComplete="new-password" required minLength={8} maxLength={128} />
      </div>
      {error && (
        <p className={styles.error} role="alert" data-testid="new-password-error">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={pending} data-testid="new-password-submit">
        {pending ? "Saving…" : "Save and continue"}
      </button>
    </form>
  );
}
