"use client";

import { useState } from "react";

/** Ends the session (better-auth sign-out) and shows the sign-in page. For the header. */
export function SignOutButton({ className }: { className?: string }) {
  const [pending, setPending] = useState(false);
  async function signOut() {
    setPending(true);
    try {
      await fetch("/api/auth/sign-out", { method: "POST", headers: { "content-type": "application/json" }, body: "{}", credentials: "same-origin" });
    } finally {
      // Even if the request failed, leave the page: the sign-in page shows the real state.
      window.location.assign("/sign-in");
    }
  }
  return (
    <button type="button" className={className} onClick={() => void signOut()} disabled={pending} data-testid="sign-out">
      Sign out
    </button>
  );
}
