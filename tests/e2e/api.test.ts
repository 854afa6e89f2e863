import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { describe, expect, inject, it } from "vitest";
import { waitFor } from "../helpers/wait";
import { E2E_ADMIN } from "./session";

// The real HTTP API of the running server: bad input of every kind is a 4xx with a clear error,
// never a 500, and anonymous requests get nothing.
describe("HTTP API over loopback", () => {
  const baseUrl = inject("baseUrl");
  let headers: Record<string, string>;

  /** The state the server's engine is applying for an optimization, from its /metrics gauge. */
  async function engineState(id: string): Promise<string | null> {
    const families = parsePrometheusTextFormat(await (await fetch(`${baseUrl}/metrics`, { headers })).text());
    const gauge = families.find((f) => f.name === "perfpilot_optimization_state");
    return gauge?.metrics.find((m) => m.labels?.optimization === id && m.value === "1")?.labels?.state ?? null;
  }

  it("signs in through the auth endpoint", async () => {
    const res = await fetch(`${baseUrl}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: baseUrl },
      body: JSON.stringify(E2E_ADMIN),
    });
    expect(res.status).toBe(200);
    headers = {
      cookie: res.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .join("; "),
      origin: baseUrl,
      "content-type": "application/json",
    };
  });

  it("refuses anonymous reads and writes", async () => {
    expect((await fetch(`${baseUrl}/api/symbols`)).status).toBe(401);
    const w = await fetch(`${baseUrl}/api/optimizations/technical-indicators.calculate:cache`, { method: "PATCH", body: "{}" });
    expect(w.status).toBe(401);
    expect((await fetch(`${baseUrl}/api/health`)).status).toBe(200);
  });

  it.each([
    ["GET", "/api/technical-analysis/not$valid", undefined, 422],
    ["GET", "/api/technical-analysis/ZZZZ", undefined, 404],
    ["GET", "/api/technical-analysis/AAPL?sma=abc", undefined, 422],
    ["GET", "/api/prices/AAPL?limit=-1", undefined, 422],
    ["GET", "/api/signals?kind=nonsense", undefined, 422],
    ["POST", "/api/reports", "{not json", 400],
    ["POST", "/api/reports", JSON.stringify({ symbols: [] }), 422],
    ["POST", "/api/reports", JSON.stringify({ symbols: ["AAPL"], extra: 1 }), 422],
    ["PATCH", "/api/optimizations/technical-indicators.calculate:cache", JSON.stringify({ state: "canary", percent: 150 }), 422],
    ["PATCH", "/api/optimizations/nope:cache", JSON.stringify({ state: "on" }), 422],
    ["PATCH", "/api/optimizations/technical-indicators.calculate:cache", JSON.stringify({ state: "off" }), 409],
    ["GET", "/api/tasks/not-a-uuid", undefined, 422],
    ["GET", "/api/tasks/00000000-0000-4000-8000-000000000000", undefined, 404],
    ["POST", "/api/tasks/00000000-0000-4000-8000-000000000000/cancel", "{}", 404],
  ])("%s %s → %i with an error body", async (method, path, body, status) => {
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
    expect(res.status).toBe(status);
    const json = (await res.json()) as { error: { code: string; message: string } };
    expect(json.error.message.length).toBeGreaterThan(0);
    expect(JSON.stringify(json)).not.toMatch(/at .*\.ts:\d+|select |insert /i);
  });

  it("answers technical analysis with every indicator at the market clock", async () => {
    const res = await fetch(`${baseUrl}/api/technical-analysis/aapl?points=3`, { headers });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { symbol: string; lastBarDate: string; asOf: string; latest: Record<string, unknown>; series: { dates: string[] } };
    expect(body.symbol).toBe("AAPL");
    expect(body.lastBarDate <= body.asOf).toBe(true);
    expect(Object.keys(body.latest)).toEqual(expect.arrayContaining(["sma", "ema", "rsi", "macd", "bollinger", "atr", "stochastic"]));
    expect(body.series.dates).toHaveLength(3);
  });

  it("builds a report inside the request and returns it", async () => {
    const res = await fetch(`${baseUrl}/api/reports`, { method: "POST", headers, body: JSON.stringify({ symbols: ["AAPL", "MSFT", "NOPE"] }) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { report: { symbols: string[]; unknownSymbols: string[] } };
    expect(body.report.symbols).toEqual(["AAPL", "MSFT"]);
    expect(body.report.unknownSymbols).toEqual(["NOPE"]);
  });

  it("with the queue optimization on, the report answers at once with a task handle and the result arrives", async () => {
    const on = await fetch(`${baseUrl}/api/optimizations/reports.build:queue`, { method: "PATCH", headers, body: JSON.stringify({ state: "on" }) });
    expect(on.status).toBe(200);
    // The change reaches the engine through NOTIFY; /metrics reports the engine's own state.
    await waitFor(async () => (await engineState("reports.build:queue")) === "on", {
      timeoutMs: 10_000,
      message: "the engine to apply reports.build:queue = on (PATCH → NOTIFY → reload)",
    });
    const res = await fetch(`${baseUrl}/api/reports`, { method: "POST", headers, body: JSON.stringify({ symbols: ["AAPL", "IBM"] }) });
    expect(res.status).toBe(202);
    const handle = (await res.json()) as { taskId: string; status: string; resultUrl: string; estimatedSeconds: number | null };
    expect(handle.status).toBe("processing");
    expect(handle.resultUrl).toBe(`/api/tasks/task/${handle.taskId}/result`);
    const result = await waitFor(
      async () => {
        const r = await fetch(`${baseUrl}${handle.resultUrl}`, { headers });
        if (r.status === 202) return null; // still processing
        // A failed or cancelled task answers 409: fail now rather than at the timeout.
        if (r.status !== 200) throw new Error(`task ${handle.taskId}: ${r.status} ${await r.text()}`);
        return (await r.json()) as { status: string; result?: { symbols: string[] } };
      },
      { timeoutMs: 30_000, intervalMs: 100, message: `task ${handle.taskId} to complete` },
    );
    expect(result.status).toBe("completed");
    expect(result.result?.symbols).toEqual(["AAPL", "IBM"]);
    const off = await fetch(`${baseUrl}/api/optimizations/reports.build:queue`, { method: "PATCH", headers, body: JSON.stringify({ state: "off" }) });
    expect(off.status).toBe(200);
    // Later tests share this server: leave it with the queue off in the engine, not only in the table.
    await waitFor(async () => (await engineState("reports.build:queue")) === "off", {
      timeoutMs: 10_000,
      message: "the engine to apply reports.build:queue = off",
    });
  });

  it("runs a scheduled job on demand through the same guards", async () => {
    const res = await fetch(`${baseUrl}/api/jobs/price-snapshot/run`, { method: "POST", headers, body: "{}" });
    expect([200, 409]).toContain(res.status);
    if (res.status === 200) expect(((await res.json()) as { status: string }).status).toBe("ok");
    expect((await fetch(`${baseUrl}/api/jobs/no-such-job/run`, { method: "POST", headers, body: "{}" })).status).toBe(404);
  });

  it("exposes Prometheus metrics to a signed-in viewer", async () => {
    const res = await fetch(`${baseUrl}/metrics`, { headers });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^# HELP /m);
  });
});
