import type { BrowserContext, Page } from "playwright-core";

/** The operator account the e2e server is started with (scripts/spawn-server.ts E2E_ADMIN). */
export const E2E_ADMIN = { email: "admin@perfpilot.local", password: "e2e-admin-password-123" };

/** Signs in through the real form, as a person would. */
export async function signIn(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.waitForURL(/\/sign-in/);
  await page.getByLabel(/e-?mail/i).fill(E2E_ADMIN.email);
  await page.getByLabel(/password/i).fill(E2E_ADMIN.password);
  await page.getByTestId("sign-in-submit").click();
  await page.waitForURL((u) => !u.pathname.startsWith("/sign-in"), { timeout: 30_000 });
}

/** Headers that make a test's own API calls act as the signed-in browser (session cookie, same origin). */
export async function apiHeaders(context: BrowserContext, baseUrl: string): Promise<Record<string, string>> {
  const cookies = await context.cookies(baseUrl);
  return { cookie: cookies.map((c) => `${c.name}=${c.value}`).join("; "), origin: baseUrl };
}
