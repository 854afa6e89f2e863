/**
 * Frame rate and main-thread load of the operation page's live charts in real Chromium while
 * the real server takes a steady stream of calls (the "3.6 fps at 10 calls/s" report).
 *
 * Method: a canary of the memory optimization at 50 % (so two variants are drawn), a paced
 * load of `GET /api/technical-analysis/<symbol>` over many symbols at `rate` calls/s, warm-up so
 * the 5-minute window's initial fill holds data, then the page at 1280×800 for `seconds`:
 * - fps: requestAnimationFrame callbacks counted in the page over the window;
 * - busyPct: CDP `Performance.getMetrics` TaskDuration delta (main-thread task time) / wall time;
 * - heapMb: CDP JSHeapUsedSize at the end.
 *
 * Usage: node --import tsx bench/chart-fps.ts [seconds] [rate] [warmupSeconds] [settleSeconds] [screenshot.png]
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { launchChromium } from "../scripts/chromium";
import { spawnServer } from "../scripts/spawn-server";
import { adminEnv, signInHeaders, waitForMarketClock } from "./session";

const OP = "technical-indicators.calculate";

export interface ChartFpsBench {
  fps: number;
  busyPct: number;
  heapMb: number;
  callsPerSecond: number;
  seconds: number;
  /** Chart points drawn per variant at the end (from the legend), to show the window was full. */
  seriesCounts: Record<string, number>;
  errors: number;
  /** Calls not sent because 64 were already outstanding (the server could not keep up). */
  dropped: number;
}

/** Paced open-loop load: `rate` calls/s spread over the symbols, at most `maxInFlight` outstanding. */
function startLoad(baseUrl: string, headers: Record<string, string>, symbols: string[], rate: number) {
  let done = 0;
  let errors = 0;
  let dropped = 0;
  let inFlight = 0;
  let i = 0;
  const tickMs = 20;
  const perTick = (rate * tickMs) / 1000;
  let owed = 0;
  const timer = setInterval(() => {
    owed += perTick;
    while (owed >= 1) {
      owed -= 1;
      // The server is saturated: drop rather than queue without bound (counted, and callsPerSecond shows it).
      if (inFlight >= 64) {
        dropped++;
        continue;
      }
      const sym = symbols[i++ % symbols.length]!;
      inFlight++;
      fetch(`${baseUrl}/api/technical-analysis/${sym}?points=0`, { headers })
        .then((r) => {
          if (!r.ok) errors++;
          return r.arrayBuffer();
        })
        .catch(() => void errors++)
        .finally(() => {
          inFlight--;
          done++;
        });
    }
  }, tickMs);
  return {
    done: () => done,
    errors: () => errors,
    dropped: () => dropped,
    stop: () => clearInterval(timer),
  };
}

function cookiesOf(baseUrl: string, headers: Record<string, string>) {
  return (headers.cookie ?? "")
    .split(";")
    .map((c) => c.trim())
    .filter(Boolean)
    .map((c) => {
      const eq = c.indexOf("=");
      return { name: c.slice(0, eq), value: c.slice(eq + 1), url: baseUrl };
    });
}

export async function benchChartFps(opts: {
  baseUrl: string;
  /** An operator's session headers (cookie + origin), as bench/run.ts signs in. */
  headers: Record<string, string>;
  seconds?: number;
  rate?: number;
  warmupSeconds?: number;
  /** Page open before measuring; ≥ 200 s fills the 5-minute window (the initial fill holds ≤ 10,000 samples ≈ 100 s at 100 calls/s). */
  settleSeconds?: number;
  symbols?: number;
  /** A PNG of the page after measuring, to check what was drawn. */
  screenshot?: string;
}): Promise<ChartFpsBench> {
  const { baseUrl, headers } = opts;
  const seconds = opts.seconds ?? 20;
  const rate = opts.rate ?? 100;
  const warmupSeconds = opts.warmupSeconds ?? 60;
  const settleSeconds = opts.settleSeconds ?? 200;

  const patch = await fetch(`${baseUrl}/api/optimizations/${encodeURIComponent(`${OP}:memory`)}`, {
    method: "PATCH",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({ state: "canary", percent: 50, reason: "chart fps benchmark" }),
  });
  // 409 = already in that state (a previous run).
  if (!patch.ok && patch.status !== 409) throw new Error(`canary 50% failed: ${patch.status} ${await patch.text()}`);
  const listed = (await (await fetch(`${baseUrl}/api/symbols`, { headers })).json()) as { symbols: { symbol: string }[] };
  const symbols = listed.symbols.map((s) => s.symbol).slice(0, opts.symbols ?? 200);
  if (symbols.length === 0) throw new Error("no symbols imported");

  const load = startLoad(baseUrl, headers, symbols, rate);
  const { context, close } = await launchChromium("perfpilot-chart-fps-");
  try {
    await context.addCookies(cookiesOf(baseUrl, headers));
    await new Promise((r) => setTimeout(r, warmupSeconds * 1000));
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${baseUrl}/operations/${encodeURIComponent(OP)}`);
    await page.getByTestId("charts").waitFor({ timeout: 60_000 });
    await page.getByTestId("series-count-memory").waitFor({ timeout: 60_000 });
    await new Promise((r) => setTimeout(r, settleSeconds * 1000));

    const cdp = await context.newCDPSession(page);
    await cdp.send("Performance.enable");
    const metric = async () => {
      const { metrics } = await cdp.send("Performance.getMetrics");
      return Object.fromEntries(metrics.map((m) => [m.name, m.value])) as Record<string, number>;
    };
    const calls0 = load.done();
    const m0 = await metric();
    const w0 = Date.now();
    // A string, not a function: tsx compiles functions with esbuild's `__name` helper, which the page lacks.
    const frames = await page.evaluate<number>(`new Promise((resolve) => {
      let n = 0;
      const end = performance.now() + ${seconds * 1000};
      const step = (t) => { n++; if (t < end) requestAnimationFrame(step); else resolve(n); };
      requestAnimationFrame(step);
    })`);
    const wall = (Date.now() - w0) / 1000;
    const m1 = await metric();
    const calls = load.done() - calls0;
    if (opts.screenshot) await page.screenshot({ path: opts.screenshot, fullPage: true });
    const seriesCounts: Record<string, number> = {};
    for (const el of await page.locator("[data-testid^='series-count-']").all()) {
      const id = (await el.getAttribute("data-testid"))!.slice("series-count-".length);
      seriesCounts[id] = Number((await el.getAttribute("data-count")) ?? 0);
    }
    return {
      fps: Math.round((frames / wall) * 10) / 10,
      busyPct: Math.round((((m1.TaskDuration ?? 0) - (m0.TaskDuration ?? 0)) / wall) * 1000) / 10,
      heapMb: Math.round(((m1.JSHeapUsedSize ?? 0) / 1048576) * 10) / 10,
      callsPerSecond: Math.round((calls / wall) * 10) / 10,
      seconds: Math.round(wall * 10) / 10,
      seriesCounts,
      dropped: load.dropped(),
      errors: load.errors(),
    };
  } finally {
    load.stop();
    await close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const server = await spawnServer({
    logFile: path.resolve("bench/results/chart-fps-server.log"),
    env: { MARKET_TICK_SECONDS: "30", ...adminEnv() },
  });
  try {
    const headers = await signInHeaders(server.baseUrl);
    await waitForMarketClock(server.baseUrl, headers);
    const out = await benchChartFps({
      baseUrl: server.baseUrl,
      headers,
      seconds: Number(process.argv[2] ?? 20),
      rate: Number(process.argv[3] ?? 100),
      warmupSeconds: Number(process.argv[4] ?? 60),
      settleSeconds: Number(process.argv[5] ?? 200),
      ...(process.argv[6] ? { screenshot: process.argv[6] } : {}),
    });
    console.log(JSON.stringify(out, null, 2));
  } finally {
    await server.stop();
  }
  process.exit(0);
}
