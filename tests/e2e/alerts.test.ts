import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { axeSerious } from "./axe";
import { openBrowser, screenshot } from "./browser";
import { apiHeaders, signIn } from "./session";

const OP = "technical-indicators.calculate";

describe("a degradation reaches the browser as an alert toast", () => {
  let browser: Awaited<ReturnType<typeof openBrowser>>;
  const baseUrl = inject("baseUrl");
  beforeAll(async () => {
    browser = await openBrowser();
    await signIn(browser.page, baseUrl);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("injects 6 s of latency into the operation and sees the performance monitor's alert as a toast, then in /alerts", async () => {
    const { page, context } = browser;
    const headers = { ...(await apiHeaders(context, baseUrl)), "content-type": "application/json" };
    await page.goto(`${baseUrl}/market`);
    const res = await fetch(`${baseUrl}/api/faults`, {
      method: "POST",
      headers,
      body: JSON.stringify({ operation: OP, variant: "baseline", kind: "latency", amount: 6_000, durationMinutes: 10 }),
    });
    expect(res.status).toBe(201);
    // Enough slow calls for the absolute rule (p95 > 5 s over at least 20 samples).
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        fetch(`${baseUrl}/api/technical-analysis/${["AAPL", "MSFT", "IBM", "GE"][i % 4]}?points=0`, { headers }).then((r) => r.arrayBuffer()),
      ),
    );
    // The monitor runs every minute; an alert fires after its condition held for 60 s.
    const toast = page.getByTestId("toast-alert").first();
    await toast.waitFor({ timeout: 200_000 });
    expect(await toast.textContent()).toContain(OP);
    await screenshot(page, "alert-toast");
    expect(await axeSerious(page)).toEqual([]);
    await page.goto(`${baseUrl}/alerts`);
    await expect.poll(async () => page.getByTestId("alert-row").count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await screenshot(page, "alerts");
    expect(await axeSerious(page)).toEqual([]);
  }, 300_000);
});
