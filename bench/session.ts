/** The bench's admin account: passed to spawned servers as ADMIN_EMAIL / ADMIN_PASSWORD. */
export const BENCH_ADMIN = { email: "bench@perfpilot.local", password: "bench-admin-password-123" };

/** The environment that makes a spawned server create BENCH_ADMIN (or `admin`) at its first start. */
export function adminEnv(admin = BENCH_ADMIN): Record<string, string> {
  return { ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password };
}

/** Signs in through the auth endpoint; returns the headers of a same-origin browser request (cookie + Origin). */
export async function signInHeaders(baseUrl: string, admin = BENCH_ADMIN): Promise<Record<string, string>> {
  const res = await fetch(`${baseUrl}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl },
    body: JSON.stringify(admin),
  });
  if (!res.ok) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return { cookie, origin: baseUrl };
}

/** Waits until the market clock has started (it starts at the next tick slot; analyses need a market date). */
export async function waitForMarketClock(baseUrl: string, headers: Record<string, string>, seconds = 60): Promise<void> {
  for (let i = 0; i < seconds; i++) {
    const m = (await (await fetch(`${baseUrl}/api/market`, { headers })).json()) as { clock: unknown };
    if (m.clock) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
}
