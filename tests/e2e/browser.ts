import fs from "node:fs";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { launchChromium } from "../../scripts/chromium";

export const ARTIFACTS = path.resolve("tests/e2e/artifacts");

/** Real Chromium (the Debian package), a fresh profile, and a list of console errors seen. */
export async function openBrowser(): Promise<{ context: BrowserContext; page: Page; consoleErrors: string[]; close(): Promise<void> }> {
  const { context, close } = await launchChromium("perfpilot-chromium-");
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleErrors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(e.message));
  return {
    context,
    page,
    consoleErrors,
    close,
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}
