import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openBrowser, screenshot } from "./browser";
import { signIn } from "./session";

describe("market page in Chromium", () => {
  let browser: Awaited<ReturnType<typeof openBrowser>>;
  beforeAll(async () => {
    browser = await openBrowser();
    await signIn(browser.page, inject("baseUrl"));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("shows live prices and sees a new market tick arrive without reloading", async () => {
    const { page } = browser;
    await page.goto(`${inject("baseUrl")}/market`);
    await page.getByTestId("connection-state").and(page.locator('[data-state="connected"]')).waitFor({ timeout: 30_000 });
    const dateEl = page.getByTestId("market-date");
    await expect.poll(async () => /^\d{4}-\d{2}-\d{2}$/.test((await dateEl.textContent()) ?? ""), { timeout: 30_000 }).toBe(true);
    const first = await dateEl.textContent();
    // The clock ticks every second in this test server: a new trading day must arrive over the socket.
    await expect.poll(() => dateEl.textContent(), { timeout: 30_000 }).not.toBe(first);
    await expect.poll(() => page.locator('[data-testid="prices"] tbody tr').count(), { timeout: 30_000 }).toBeGreaterThan(100);
    await screenshot(page, "market");
    expect(browser.consoleErrors).toEqual([]);
  });

  it("the health endpoint reports every dependency ok", async () => {
    const res = await fetch(`${inject("baseUrl")}/api/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string };
    expect(body.status).toBe("ok");
  });
});
