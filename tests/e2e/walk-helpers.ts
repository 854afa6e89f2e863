import type { Locator, Page } from "playwright-core";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { screenshot } from "./browser";

export const VIEWPORT_1280 = { width: 1280, height: 800 } as const;
export const VIEWPORT_1920 = { width: 1920, height: 1080 } as const;

// Symbols of the imported data set: spread over many keys so a canary split sees both arms.
export const TRAFFIC_SYMBOLS = ["AAPL", "MSFT", "IBM", "GE", "XOM", "JPM", "KO", "T", "A", "AAL", "PFE", "MRK", "INTC", "CSCO", "ORCL", "WMT"];

/**
 * One round of real calls of technical-indicators.calculate over HTTP, one per symbol, as the
 * signed-in browser; every answer must have status `expectStatus`.
 */
export async function indicatorCalls(baseUrl: string, headers: Record<string, string>, expectStatus = 200): Promise<void> {
  await Promise.all(
    TRAFFIC_SYMBOLS.map((s) =>
      fetch(`${baseUrl}/api/technical-analysis/${s}?points=0`, { headers }).then(async (res) => {
        await res.arrayBuffer();
        if (res.status !== expectStatus) throw new Error(`GET /api/technical-analysis/${s}: ${res.status}, expected ${expectStatus}`);
      }),
    ),
  );
}

/**
 * Calls in the background until stopped, with a pause between rounds so the 2-CPU machine keeps
 * room for the page and the server's jobs; `stop()` waits for the round in flight and rethrows its error.
 */
export function backgroundTraffic(
  baseUrl: string,
  headers: Record<string, string>,
  opts: { pauseMs?: number; expectStatus?: number } = {},
): { rounds: () => number; stop: () => Promise<void> } {
  let running = true;
  let rounds = 0;
  const loop = (async () => {
    while (running) {
      await indicatorCalls(baseUrl, headers, opts.expectStatus);
      rounds++;
      await new Promise((r) => setTimeout(r, opts.pauseMs ?? 250));
    }
  })();
  return {
    rounds: () => rounds,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

/** Queries settled (no `aria-busy`) and two animation frames painted: what a screenshot should show. */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelectorAll('[aria-busy="true"]').length === 0, undefined, { timeout: 20_000 }).catch(() => undefined);
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
}

/**
 * `walk-<step>-1280.png` at 1280×800 and, for the key screens, `walk-<step>-1920.png` at
 * 1920×1080; the viewport is back at 1280×800 afterwards.
 */
export async function walkScreenshots(page: Page, step: string, opts: { wide?: boolean } = {}): Promise<void> {
  await settled(page);
  await screenshot(page, `walk-${step}-1280`);
  if (!opts.wide) return;
  await page.setViewportSize(VIEWPORT_1920);
  await settled(page);
  await screenshot(page, `walk-${step}-1920`);
  await page.setViewportSize(VIEWPORT_1280);
  await settled(page);
}

/** The number beside "Alerts" in the navigation (firing, not acknowledged); 0 when the badge is not shown. */
export async function alertBadgeCount(page: Page): Promise<number> {
  const badge = page.getByTestId("nav-alerts-count");
  if ((await badge.count()) === 0) return 0;
  return Number((await badge.first().textContent()) ?? "0");
}

/**
 * The state the server's engine applies for an optimization, from its /metrics gauge: a state
 * change reaches the engine through NOTIFY, a moment after the PATCH has answered.
 */
export async function engineState(baseUrl: string, headers: Record<string, string>, id: string): Promise<string | null> {
  const families = parsePrometheusTextFormat(await (await fetch(`${baseUrl}/metrics`, { headers })).text());
  const gauge = families.find((f) => f.name === "perfpilot_optimization_state");
  return gauge?.metrics.find((m) => m.labels?.optimization === id && m.value === "1")?.labels?.state ?? null;
}

/** True when `inner` lies horizontally inside `outer`'s box: nothing is cut off or needs a sideways scroll to be read. */
export async function fitsHorizontally(inner: Locator, outer: Locator): Promise<boolean> {
  const [a, b] = await Promise.all([inner.boundingBox(), outer.boundingBox()]);
  if (!a || !b) return false;
  return a.x >= b.x - 1 && a.x + a.width <= b.x + b.width + 1;
}

/**
 * The parts of an identifier shown in `el` (the runs between ".", ":", "-" and spaces) that the
 * browser laid out over more than one line: people read "calculate:me / mory" as two words.
 */
export async function partsBrokenAcrossLines(el: Locator): Promise<string[]> {
  return el.evaluate((root) => {
    const broken: string[] = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? "";
      for (const m of text.matchAll(/[^.:\-\s]+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top)));
        if (tops.size > 1) broken.push(m[0]);
      }
    }
    return broken;
  });
}
