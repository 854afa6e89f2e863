// The soak: three instances on one database behind a load balancer, as README "Running several
// instances" starts them, under a mix of API calls and live clients, one instance SIGKILLed and
// restarted half-way. Part of `npm run bench`; alone: `node --import tsx bench/soak.ts --seconds 60`.
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { percentile } from "../lib/optimizer/stats/quantile";
import { freePort, spawnServer, type SpawnedServer } from "../scripts/spawn-server";
import { startBalancer } from "./balancer";
import { machineCpuSeconds, treeCpuSeconds } from "./process-cpu";
import { connectClients, startTraffic, TOGGLED_OPTIMIZATION, type ClientLog, type RequestRecord } from "./soak-traffic";
import { renderSoak } from "./soak-report";
import type { Distribution, SoakResult } from "./soak-types";
import { adminEnv, signInHeaders, waitForMarketClock } from "./session";

const ADMIN = { email: "soak@perfpilot.local", password: "soak-admin-password-123" };
const SAMPLED_OPERATION = "technical-indicators.calculate";
/** Injected latency of a report task: long enough that one is usually running when the instance dies. */
const REPORT_TASK_MS = 3_000;

export interface SoakOptions {
  seconds: number;
  ratePerSecond: number;
  clients: number;
  /** nginx when installed (README's configuration), else the bench's Node proxy. */
  balancer: "nginx" | "node";
  log?: (msg: string) => void;
}

function distribution(xs: number[]): Distribution {
  if (xs.length === 0) return { n: 0, p50: null, p95: null, p99: null, max: null };
  return { n: xs.length, p50: percentile(xs, 50), p95: percentile(xs, 95), p99: percentile(xs, 99), max: Math.max(...xs) };
}

/** `npm run db` in its own process (scripts/db.ts): resolves with the DATABASE_URL it prints. */
async function startDatabaseProcess(dataDir: string, logFile: string): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/db.ts"], {
    env: { ...process.env, PERFPILOT_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()), DATABASE_URL: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log = fs.createWriteStream(logFile);
  child.stderr!.pipe(log);
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (b: Buffer) => {
      log.write(b);
      out += b.toString();
      const m = /^DATABASE_URL=(\S+)$/m.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once("exit", (code) => reject(new Error(`npm run db exited with ${code}; see ${logFile}`)));
  });
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGINT");
      }),
  };
}

async function signIn(baseUrl: string): Promise<string> {
  const session = await signInHeaders(baseUrl, ADMIN);
  const created = await fetch(`${baseUrl}/api/tokens`, {
    method: "POST",
    headers: { ...session, "content-type": "application/json" },
    body: JSON.stringify({ name: "soak", role: "admin" }),
  });
  if (created.status !== 201) throw new Error(`token creation failed: ${created.status} ${await created.text()}`);
  return ((await created.json()) as { token: string }).token;
}

/** The PID inside an instance id (`<host>-<pid>-<random>`, server.ts). */
const pidOf = (instanceId: string) => Number(/-(\d+)-[0-9a-f]+$/.exec(instanceId)?.[1] ?? NaN);

export async function benchSoak(opts: SoakOptions): Promise<SoakResult> {
  const log = opts.log ?? ((m: string) => console.log(m));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "perfpilot-soak-"));
  fs.chmodSync(tmp, 0o755);
  const logDir = path.resolve("bench/results");
  fs.mkdirSync(logDir, { recursive: true });
  const servers: SpawnedServer[] = [];
  let db: Awaited<ReturnType<typeof startDatabaseProcess>> | null = null;
  let balancer: Awaited<ReturnType<typeof startBalancer>> | null = null;
  let clients: Awaited<ReturnType<typeof connectClients>> | null = null;
  let pool: pg.Pool | null = null;
  try {
    db = await startDatabaseProcess(path.join(tmp, "db"), path.join(logDir, "soak-db.log"));
    const ports = [await freePort(), await freePort(), await freePort()];
    const lbPort = await freePort();
    const lbUrl = `http://127.0.0.1:${lbPort}`;
    const env = {
      DATABASE_URL: db.url,
      ...adminEnv(ADMIN),
      AUTH_SECRET: crypto.randomBytes(32).toString("base64"),
      TRUSTED_ORIGINS: lbUrl,
      TRUSTED_PROXIES: "127.0.0.1",
      // Report tasks are slowed by an injected latency (below) so that one runs when an instance dies.
      PERFPILOT_FAULT_INJECTION: "1",
    };
    const start = (i: number, logName: string, extra: Record<string, string> = {}) =>
      spawnServer({ logFile: path.join(logDir, `soak-${logName}.log`), port: ports[i], env: { ...env, ...extra } });
    // README: the first instance alone (it imports the data and builds when needed), then the others.
    // Those skip the build check: a source edited meanwhile must not rebuild `.next` under a running instance.
    log("  soak: npm run db, then the first instance (imports the data set)");
    servers.push(await start(0, "instance-1"));
    log("  soak: two more instances");
    servers.push(...(await Promise.all([start(1, "instance-2", { SKIP_NEXT_BUILD: "1" }), start(2, "instance-3", { SKIP_NEXT_BUILD: "1" })])));
    balancer = await startBalancer({ dir: path.join(tmp, "balancer"), port: lbPort, upstreams: ports, prefer: opts.balancer });
    const topology = `npm run db (scripts/db.ts) in its own process; 3 × npm start with its DATABASE_URL, PORT ${ports.join("/")}, TRUSTED_PROXIES=127.0.0.1, one shared AUTH_SECRET; ${balancer.kind === "nginx" ? "nginx with README's configuration (round robin instead of ip_hash: every client is 127.0.0.1)" : `a Node round-robin proxy (${opts.balancer === "nginx" ? "nginx not installed" : "asked for"})`} on ${lbPort}`;
    log(`  soak: ${topology}`);

    const token = await signIn(lbUrl);
    const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const queueOn = await fetch(`${lbUrl}/api/optimizations/reports.build:queue`, { method: "PATCH", headers: auth, body: JSON.stringify({ state: "on" }) });
    if (queueOn.status !== 200) throw new Error(`reports.build:queue on: ${queueOn.status} ${await queueOn.text()}`);
    const fault = await fetch(`${lbUrl}/api/faults`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ operation: "reports.build", variant: "baseline", kind: "latency", amount: REPORT_TASK_MS, durationMinutes: 60 }),
    });
    if (fault.status !== 201) throw new Error(`report latency fault: ${fault.status} ${await fault.text()}`);
    await waitForMarketClock(lbUrl, auth);
    const symbols = ((await (await fetch(`${lbUrl}/api/symbols`, { headers: auth })).json()) as { symbols: { symbol: string }[] }).symbols.map((s) => s.symbol);
    clients = await connectClients({ baseUrl: lbUrl, token, count: opts.clients });

    // Warm-up: every instance loads its route modules before the measured run.
    log("  soak: 10 s warm-up");
    const warm = startTraffic({ baseUrl: lbUrl, token, rate: opts.ratePerSecond, symbols, changeEverySeconds: 3600 });
    await new Promise((r) => setTimeout(r, 10_000));
    await warm.stop();

    log(`  soak: ${opts.seconds} s at ${opts.ratePerSecond} req/s with ${opts.clients} clients; an instance SIGKILLed at ${opts.seconds / 2} s`);
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    const lbPid = balancer.pid;
    const cpuNow = (instances: SpawnedServer[]) => ({
      instances: instances.reduce((sum, x) => sum + treeCpuSeconds(x.pid), 0),
      postgres: treeCpuSeconds(db!.child.pid!),
      balancer: lbPid === null ? 0 : treeCpuSeconds(lbPid),
      bench: process.cpuUsage(),
      machine: machineCpuSeconds(),
    });
    const cpu0 = cpuNow(servers);
    const loadStart = Date.now();
    const traffic = startTraffic({ baseUrl: lbUrl, token, rate: opts.ratePerSecond, symbols });
    await new Promise((r) => setTimeout(r, (opts.seconds / 2) * 1000));
    const victim = await instanceRunningATask(pool, logDir);
    const killed = servers[victim.index]!;
    const killedCpu = treeCpuSeconds(killed.pid);
    killed.child.kill("SIGKILL");
    const killAt = Date.now();
    const killedHop = `127.0.0.1:${ports[victim.index]}`;
    const restart = start(victim.index, `instance-${victim.index + 1}-restarted`, { SKIP_NEXT_BUILD: "1" }).then((s) => {
      servers.push(s);
      return { server: s, readyAt: Date.now() };
    });
    restart.catch(() => undefined);
    await new Promise((r) => setTimeout(r, Math.max(0, loadStart + opts.seconds * 1000 - Date.now())));
    await traffic.stop();
    const loadEnd = Date.now();
    const cpu1 = cpuNow(servers.slice(0, 3).filter((x) => x !== killed));
    const restarted = await restart.catch((err: unknown) => {
      log(`  soak: the restart failed: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    });
    // The successor's CPU since it started (its start-up included): it ran only during the load.
    cpu1.instances += killedCpu + (restarted ? treeCpuSeconds(restarted.server.pid) : 0);
    log("  soak: load over; waiting for the tasks and the samples");

    {
      const records = traffic.records;
      const taskIds = records.filter((r) => r.taskId !== null).map((r) => r.taskId!);
      type TaskRow = { id: string; state: string; attempts: number; s: number | null };
      let taskRows: TaskRow[] = [];
      for (let i = 0; i < 240; i++) {
        taskRows = (
          await pool!.query<TaskRow>(
            `select id, state, attempts, extract(epoch from finished_at - created_at)::float8 as s from task where id = any($1::text[])`,
            [taskIds],
          )
        ).rows;
        if (!taskRows.some((t) => t.state === "queued" || t.state === "processing")) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      // The running instances flush every second; a few more for a busy one.
      await new Promise((r) => setTimeout(r, 3_000));
      const written = (
        await pool!.query<{ instance: string; n: number }>(
          `select instance, count(*)::int as n from sample
            where operation = $1 and not shadow and outcome not in ('fallback', 'timeout') and at >= ($2::timestamptz at time zone 'UTC')
            group by instance`,
          [SAMPLED_OPERATION, new Date(loadStart).toISOString()],
        )
      ).rows;
      return {
        seconds: opts.seconds,
        ratePerSecond: opts.ratePerSecond,
        clients: opts.clients,
        balancer: balancer.kind,
        topology,
        kill: {
          instance: `instance ${victim.index + 1} (port ${ports[victim.index]})`,
          runningTask: victim.taskId,
          atS: (killAt - loadStart) / 1000,
          restartReadyAfterS: restarted ? (restarted.readyAt - killAt) / 1000 : null,
        },
        requests: requestFigures(records, traffic.notSent, loadEnd - loadStart),
        errors5xx: errorFigures(records, killAt, killedHop),
        tasks: taskFigures(taskIds.length, taskRows),
        samples: sampleFigures(records, written, {
          ports,
          victim: victim.index,
          killAt,
          pids: servers.slice(0, 3).map((x) => x.pid),
          restartedPid: restarted?.server.pid ?? null,
        }),
        events: eventFigures(clients.logs, records),
        cpu: cpuFigures(cpu0, cpu1, (loadEnd - loadStart) / 1000, records.filter((r) => r.status > 0).length),
      };
    }
  } finally {
    await pool?.end();
    clients?.close();
    await balancer?.stop();
    await Promise.all(servers.map((s) => s.stop()));
    await db?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

interface CpuSnapshot {
  instances: number;
  postgres: number;
  balancer: number;
  bench: NodeJS.CpuUsage;
  machine: { busy: number; total: number };
}

function cpuFigures(a: CpuSnapshot, b: CpuSnapshot, seconds: number, answered: number): SoakResult["cpu"] {
  const cores = (x: number) => x / seconds;
  const instances = cores(b.instances - a.instances);
  const postgres = cores(b.postgres - a.postgres);
  const balancer = cores(b.balancer - a.balancer);
  const bench = cores((b.bench.user - a.bench.user + b.bench.system - a.bench.system) / 1e6);
  const machineBusy = cores(b.machine.busy - a.machine.busy);
  return {
    cores: os.cpus().length,
    instances,
    postgres,
    balancer,
    bench,
    machineBusy,
    others: Math.max(0, machineBusy - instances - postgres - balancer - bench),
    serverMsPerRequest: ((instances + postgres + balancer) * seconds * 1000) / Math.max(1, answered),
  };
}

function requestFigures(records: RequestRecord[], notSent: number, ms: number): SoakResult["requests"] {
  const byStatus: Record<string, number> = {};
  for (const r of records) byStatus[String(r.status || "no response")] = (byStatus[String(r.status || "no response")] ?? 0) + 1;
  const answered = records.filter((r) => r.status > 0);
  const kinds = [...new Set(answered.map((r) => r.kind))].sort();
  return {
    sent: records.length,
    notSent,
    answered: answered.length,
    noResponse: records.length - answered.length,
    byStatus,
    achievedPerSecond: records.length / (ms / 1000),
    latencyMs: distribution(answered.map((r) => r.endAt - r.sentAt)),
    latencyByKindMs: Object.fromEntries(kinds.map((k) => [k, distribution(answered.filter((r) => r.kind === k).map((r) => r.endAt - r.sentAt))])),
  };
}

/** A 5xx (or no response) is excused only when it was on the killed instance as it died. */
function errorFigures(records: RequestRecord[], killAt: number, killedHop: string): SoakResult["errors5xx"] {
  const failed = records.filter((r) => r.status >= 500 || r.status === 0);
  const inFlightOnKilled = failed.filter((r) => r.sentAt <= killAt && r.endAt >= killAt && (r.hops.includes(killedHop) || r.hops.length === 0));
  const outside = failed.filter((r) => !inFlightOnKilled.includes(r));
  return {
    total: failed.length,
    inFlightOnKilled: inFlightOnKilled.length,
    outside: outside.length,
    outsideExamples: outside
      .slice(0, 10)
      .map(
        (r) =>
          `${r.kind} ${r.status || "no response"} at +${((r.sentAt - killAt) / 1000).toFixed(1)} s from the kill via ${r.hops.join(" → ") || "?"}: ${r.error ?? ""}`,
      ),
  };
}

function taskFigures(submitted: number, rows: { state: string; attempts: number; s: number | null }[]): SoakResult["tasks"] {
  const completed = rows.filter((t) => t.state === "completed");
  const failed = rows.filter((t) => t.state === "failed").length;
  return {
    submitted,
    completed: completed.length,
    failed,
    lost: submitted - completed.length,
    retried: rows.filter((t) => t.attempts > 1).length,
    completionS: distribution(completed.map((t) => t.s ?? 0)),
  };
}

/**
 * The instance to kill: one whose worker is running a report task now (its log says it started
 * the task's current attempt), so the soak shows where that task ends; instance 2 if none is.
 */
async function instanceRunningATask(pool: pg.Pool, logDir: string): Promise<{ index: number; taskId: string | null }> {
  for (let i = 0; i < 20; i++) {
    const running = await pool!.query<{ id: string; attempts: number }>(`select id, attempts from task where state = 'processing' order by started_at desc`);
    for (const t of running.rows) {
      for (let k = 0; k < 3; k++) {
        const file = path.join(logDir, `soak-instance-${k + 1}.log`);
        const started = fs
          .readFileSync(file, "utf8")
          .split("\n")
          .some((l) => l.includes('"msg":"task started"') && l.includes(`"taskId":"${t.id}"`) && l.includes(`"attempt":${t.attempts}`));
        if (started) return { index: k, taskId: t.id };
      }
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { index: 1, taskId: null };
}

/**
 * Calls of the sampled operation answered 2xx (not from the cache, which makes no call) against
 * the samples written, per instance: the balancer names the instance that answered, the sample
 * its instance id (whose PID tells the killed instance from its restart on the same port).
 */
function sampleFigures(
  records: RequestRecord[],
  written: { instance: string; n: number }[],
  t: { ports: number[]; victim: number; killAt: number; pids: number[]; restartedPid: number | null },
): SoakResult["samples"] {
  const killedName = `instance ${t.victim + 1} (killed)`;
  const names = new Map<number, string>(t.pids.map((pid, i) => [pid, i === t.victim ? killedName : `instance ${i + 1}`]));
  if (t.restartedPid !== null) names.set(t.restartedPid, `instance ${t.victim + 1} (restarted)`);
  const answered = new Map<string, number>();
  for (const r of records) {
    if (r.kind !== "analysis" || r.status < 200 || r.status >= 300 || r.cacheHit) continue;
    const i = t.ports.indexOf(Number(r.hops.at(-1)?.split(":")[1]));
    // On the killed instance's port: sent before the kill, answered by the killed process (its
    // successor listens seconds later); sent after, by the successor.
    const name = i !== t.victim ? `instance ${i + 1}` : r.sentAt < t.killAt ? killedName : `instance ${i + 1} (restarted)`;
    answered.set(name, (answered.get(name) ?? 0) + 1);
  }
  const writtenBy = new Map<string, number>();
  for (const w of written) {
    const name = names.get(pidOf(w.instance)) ?? `unknown instance ${w.instance}`;
    writtenBy.set(name, (writtenBy.get(name) ?? 0) + w.n);
  }
  const instances = [...new Set([...answered.keys(), ...writtenBy.keys()])].sort().map((name) => ({
    name,
    answered: answered.get(name) ?? 0,
    written: writtenBy.get(name) ?? 0,
    missing: (answered.get(name) ?? 0) - (writtenBy.get(name) ?? 0),
  }));
  return {
    instances,
    missingOutsideKilled: instances.filter((i) => i.name !== killedName).reduce((sum, i) => sum + Math.max(0, i.missing), 0),
    missingOnKilled: instances.find((i) => i.name === killedName)?.missing ?? 0,
  };
}

function eventFigures(logs: ClientLog[], records: RequestRecord[]): SoakResult["events"] {
  const byKey = new Map<string, number[]>();
  for (const l of logs) for (const [key, at] of l.arrivals) byKey.set(key, [...(byKey.get(key) ?? []), at]);
  const delivery: number[] = [];
  const byKind: Record<string, number> = {};
  let missed = 0;
  for (const [key, ats] of byKey) {
    const first = Math.min(...ats);
    for (const at of ats) if (at !== first) delivery.push(at - first);
    const kind = key.split(" ")[0]!;
    byKind[kind] = (byKind[kind] ?? 0) + ats.length;
    // A client connected (and in its rooms) from 1 s before the event until 5 s after it should have it.
    for (const l of logs) {
      if (l.arrivals.has(key)) continue;
      const connected = l.connectedAt.some((c) => c <= first - 1_000 && (l.disconnectedAt.find((d) => d >= c) ?? Infinity) >= first + 5_000);
      if (connected) missed++;
    }
  }
  const writes: number[] = [];
  for (const r of records) {
    if (r.kind !== "optimization-change" || r.version === null) continue;
    const ats = byKey.get(`optimization:changed ${TOGGLED_OPTIMIZATION} ${r.version}`) ?? [];
    for (const at of ats) writes.push(at - r.sentAt);
  }
  return {
    deliveryMs: distribution(delivery),
    byKind,
    writeToEveryClientMs: distribution(writes),
    missedWhileConnected: missed,
    reconnects: logs.reduce((s, l) => s + Math.max(0, l.connectedAt.length - 1), 0),
  };
}

// Alone: `node --import tsx bench/soak.ts --seconds 60 [--rate 200] [--clients 50] [--balancer node]`.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { values } = parseArgs({
    options: {
      seconds: { type: "string", default: "300" },
      rate: { type: "string", default: "200" },
      clients: { type: "string", default: "50" },
      balancer: { type: "string", default: "nginx" },
      out: { type: "string" },
    },
  });
  const t0 = Date.now();
  benchSoak({
    seconds: Number(values.seconds),
    ratePerSecond: Number(values.rate),
    clients: Number(values.clients),
    balancer: values.balancer === "node" ? "node" : "nginx",
    log: (m) => console.log(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${m}`),
  }).then(
    (r) => {
      if (values.out) fs.writeFileSync(values.out, `${JSON.stringify(r, null, 2)}\n`);
      console.log(JSON.stringify(r, null, 2));
      console.log(renderSoak(r).join("\n"));
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
