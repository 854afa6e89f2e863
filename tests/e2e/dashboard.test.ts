import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openBrowser, screenshot } from "./browser";
import { signIn, apiHeaders } from "./session";

const OP = "technical-indicators.calculate";
const SYMBOLS = ["AAPL", "MSFT", "IBM", "GE", "XOM", "JPM", "KO", "T", "A", "AAL", "PFE", "MRK", "INTC", "CSCO", "ORCL", "WMT"];

/** Real traffic on the operation, so the live chart has samples of both variants. */
async function traffic(baseUrl: string, headers: Record<string, string>, rounds: number) {
  for (let r = 0; r < rounds; r++) {
    await Promise.all(SYMBOLS.map((s) => fetch(`${baseUrl}/api/technical-analysis/${s}?points=0`, { headers }).then((res) => res.arrayBuffer())));
  }
}

describe("dashboard in Chromium", () => {
  let browser: Awaited<ReturnType<typeof openBrowser>>;
  let headers: Record<string, string>;
  const baseUrl = inject("baseUrl");

  beforeAll(async () => {
    browser = await openBrowser();
    await signIn(browser.page, baseUrl);
    headers = await apiHeaders(browser.context, baseUrl);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("overview → operation → canary 50% → persisted → optimized samples on the live chart → roll back → audited", async () => {
    const { page } = browser;
    await page.goto(`${baseUrl}/`);
    const opLink = page.getByTestId(`operation-${OP}`);
    await opLink.waitFor({ timeout: 30_000 });
    await screenshot(page, "overview");
    await opLink.getByRole("link").first().click();
    await page.waitForURL(/\/operations\//);
    await page.getByTestId("controls").waitFor();

    await page.getByTestId("percent-memory").fill("50");
    await page.getByTestId("state-memory-canary").check();
    await expect.poll(async () => page.getByTestId("current-state-memory").textContent(), { timeout: 10_000 }).toBe("canary 50%");

    await page.reload();
    await expect.poll(async () => page.getByTestId("current-state-memory").textContent(), { timeout: 15_000 }).toBe("canary 50%");

    await traffic(baseUrl, headers, 6);
    await expect
      .poll(async () => Number((await page.getByTestId("series-count-memory").getAttribute("data-count")) ?? "0"), { timeout: 15_000 })
      .toBeGreaterThan(0);
    await screenshot(page, "operation-canary");

    await page.getByTestId("rollback-memory").click();
    await page.getByTestId("rollback-confirm-memory").click();
    await expect.poll(async () => page.getByTestId("current-state-memory").textContent(), { timeout: 10_000 }).toBe("rolled back");

    await page.goto(`${baseUrl}/audit?subjectId=${encodeURIComponent(`${OP}:memory`)}`);
    const rows = page.getByTestId("audit-row");
    await expect.poll(async () => rows.count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    await expect.poll(async () => (await rows.first().textContent()) ?? "", { timeout: 5_000 }).toMatch(/rolled back/);
    await screenshot(page, "audit");
  });

  it("runs a benchmark from the UI: the progress bar reaches 100% and the comparison appears", async () => {
    const { page } = browser;
    await page.goto(`${baseUrl}/operations/${encodeURIComponent(OP)}`);
    await page.getByTestId("comparisons").waitFor();
    const before = await page.getByTestId("comparison-row").count();
    await page.getByTestId("run-benchmark-memory").click();
    const progress = page.getByTestId("benchmark-progress");
    await progress.waitFor({ timeout: 15_000 });
    await expect.poll(async () => Number((await progress.getAttribute("aria-valuenow")) ?? "0"), { timeout: 90_000 }).toBe(100);
    await expect.poll(async () => page.getByTestId("comparison-row").count(), { timeout: 30_000 }).toBeGreaterThan(before);
    await screenshot(page, "operation-benchmark");
  });

  it("tasks page shows the benchmark task with its result link", async () => {
    const { page } = browser;
    await page.goto(`${baseUrl}/tasks`);
    await expect.poll(async () => page.getByTestId("task-row").count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await screenshot(page, "tasks");
    expect(browser.consoleErrors).toEqual([]);
  });
});
