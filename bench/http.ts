import autocannon from "autocannon";

export interface HttpBenchRow {
  variant: string;
  requests: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  non2xx: number;
  errors: number;
}

async function setState(baseUrl: string, id: string, state: string, headers: Record<string, string>) {
  const res = await fetch(`${baseUrl}/api/optimizations/${encodeURIComponent(id)}`, {
    method: "PATCH",
    headers: { "content-type": "application/json", origin: baseUrl, ...headers },
    body: JSON.stringify({ state }),
  });
  if (!res.ok && res.status !== 409) throw new Error(`PATCH ${id} → ${res.status} ${await res.text()}`);
}

/**
 * `GET /api/technical-analysis/{symbol}` over loopback HTTP with autocannon: the baseline
 * (every optimization off), the memory variant, and the warm cache.
 */
export async function benchTechnicalAnalysisHttp(baseUrl: string, headers: Record<string, string> = {}, durationS = 10): Promise<HttpBenchRow[]> {
  const url = `${baseUrl}/api/technical-analysis/AAPL?points=0`;
  const rows: HttpBenchRow[] = [];
  const run = async (name: string) => {
    await autocannon({ url, connections: 4, amount: 200, headers }); // warm-up
    // One connection shows the latency of a request; ten show it under concurrent load (queueing).
    for (const connections of [1, 10]) {
      const r = await autocannon({ url, connections, duration: durationS, headers });
      push(`${name}, ${connections} conn.`, r);
    }
  };
  const push = (variant: string, r: Awaited<ReturnType<typeof autocannon>>) =>
    rows.push({
      variant,
      requests: r.requests.total,
      rps: r.requests.average,
      p50Ms: r.latency.p50,
      p90Ms: r.latency.p90,
      p99Ms: r.latency.p99,
      maxMs: r.latency.max,
      non2xx: r.non2xx,
      errors: r.errors,
    });
  const cache = "technical-indicators.calculate:cache";
  const memory = "technical-indicators.calculate:memory";
  await setState(baseUrl, cache, "off", headers);
  await setState(baseUrl, memory, "off", headers);
  await new Promise((r) => setTimeout(r, 1500));
  await run("baseline");
  await setState(baseUrl, memory, "on", headers);
  await new Promise((r) => setTimeout(r, 1500));
  await run("memory");
  await setState(baseUrl, cache, "on", headers);
  await new Promise((r) => setTimeout(r, 1500));
  await run("cache+memory (warm)");
  await setState(baseUrl, cache, "off", headers);
  await setState(baseUrl, memory, "off", headers);
  return rows;
}
