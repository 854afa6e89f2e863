/**
 * The period in seconds of a node-cron expression with seconds (6 fields), for the schedules this
 * product uses: `*\/N * * * * *`, `S * * * * *`, `S1,S2 * * * * *`, `S *\/M * * * *`, `S M * * * *`.
 * Null for anything else (the operation then gets no expected interval, so no no-data rule).
 */
export function cronIntervalSeconds(expr: string): number | null {
  const f = expr.trim().split(/\s+/);
  if (f.length !== 6 || f.slice(3).some((x) => x !== "*")) return null;
  const [sec, min, hour] = f as [string, string, string];
  const every = (x: string) => /^\*\/(\d+)$/.exec(x)?.[1];
  const fixed = (x: string) => /^\d+(,\d+)*$/.test(x);
  if (hour !== "*") return fixed(hour) && fixed(min) && fixed(sec) && !hour.includes(",") ? 86_400 : null;
  if (min === "*") {
    const n = every(sec);
    if (n !== undefined) return Number(n);
    return fixed(sec) ? 60 / sec.split(",").length : null;
  }
  if (!fixed(sec) || sec.includes(",")) return null;
  const m = every(min);
  if (m !== undefined) return Number(m) * 60;
  return fixed(min) && !min.includes(",") ? 3_600 : null;
}
