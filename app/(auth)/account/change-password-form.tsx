"use client";

import { useState, type FormEvent } from "react";
import styles from "../../sign-in/sign-in.module.css";

/** Changes the signed-in user's password (better-auth); other sessions of the user are ended. */
export function ChangePasswordForm() {
  const [pending, setPending] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; message: string } | null>(null);

  // Never rejects (every failure becomes a message on the form), so the form fires it with `void`.
  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const newPassword = String(data.get("newPassword") ?? "");
    if (newPassword !== String(data.get("confirmPassword") ?? "")) {
      setResult({ ok: false, message: "The new passwords differ." });
      return;
    }
    setPending(true);
    setResult(null);
    try {
      const res = await fetch("/api/auth/change-password", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ currentPassword: String(data.get("currentPassword") ?? ""), newPassword, revokeOtherSessions: true }),
        credentials: "same-origin",
      });
      if (res.ok) {
        form.reset();
        setResult({ ok: true, message: "Password changed. Other sessions were signed out." });
      } else {
        // better-auth answers `{code, message}`; our own refusals (429, 422) `{error: {message}}`.
        const body = (await res.json().catch(() => null)) as { message?: string; error?: { message?: string } } | null;
        setResult({ ok: false, message: body?.error?.message ?? body?.message ?? `Could not change the password (HTTP ${res.status}).` });
      }
    } catch {
      setResult({ ok: false, message: "Could not reach the server." });
    } finally {
      setPending(false);
    }
  }

  return (
    <form className={styles.form} onSubmit={(e) => void onSubmit(e)}>
      <div className={styles.field}>
        <label htmlFor="current-password">Current password</label>
        <input id="current-password" name="currentPassword" type="password" autoComplete="current-password" required />
      </div>
      <div className={styles.field}>
        <label htmlFor="new-password">New password (8–128 characters)</label>
        <input id="new-password" name="newPassword" type="password" autoComplete="new-password" required minLength={8} maxLength={128} />
      </div>
      <div className={styles.field}>
        <label htmlFor="confirm-password">New password, again</label>
        <input id="confirm-password" name="confirmPassword" type="password" autoComplete="new-password" required minLength={8} maxLength={128} />
      </div>
      {result && (
        <p className={result.ok ? styles.success : styles.error} role={result.ok ? "status" : "alert"}>
          {result.message}
        </p>
      )}
      <button type="submit" className="primary" disabled={pending} data-testid="change-password-submit">
        {pending ? "Saving…" : "Change password"}
      </button>
    </form>
  );
}
