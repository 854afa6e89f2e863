import type { JobRunResult } from "../lib/server/platform/runtime";
import { createTask, type ScheduledTask } from "node-cron";
import type pg from "pg";
import type { Logger } from "pino";
import type { Broadcaster } from "../lib/realtime/events";
import { startPeakRss } from "../lib/server/domains/samples/peak-rss";
import type { JobDefinition } from "./job";

export interface Scheduler {
  stop(): Promise<void>;
  nextRuns(): Record<string, string | null>;
  /** Runs a job's current slot now (used by the API); same guards as a scheduled run. */
  runNow(name: string): Promise<RunResult>;
  /** Runs a job's given slot now, with the same guards as the cron tick for that slot (tests drive slots with it). */
  runSlot(name: string, slot: Date): Promise<RunResult>;
  /** Marks running rows without a live run as abandoned; returns how many (also runs every minute). */
  reconcile(): Promise<number>;
}

export type RunResult = JobRunResult;

/**
 * Runs declared jobs on node-cron with three guards:
 * - a job never overlaps itself in this process (node-cron `noOverlap`),
 * - nor across instances: a Postgres advisory lock per job is held for the run,
 * - and each slot runs once across instances: the run claims the (job, slot) row of `job_run`
 *   with a unique key before doing anything.
 * A failing handler is recorded and logged; it never stops the loop or the process.
 */
export function startScheduler(jobs: JobDefinition[], deps: { pool: pg.Pool; log: Logger; instanceId: string; broadcaster: Broadcaster }): Scheduler {
  const tasks = new Map<string, ScheduledTask>();
  const running = new Set<Promise<unknown>>();

  async function run(job: JobDefinition, slot: Date): Promise<RunResult> {
    const client = await deps.pool.connect();
    try {
      const lock = await client.query<{ ok: boolean }>("select pg_try_advisory_lock(hashtext($1)) as ok", [`job:${job.name}`]);
      if (!lock.rows[0]?.ok) {
        // The job is held by a run (here or on another instance). When that run is an earlier
        // slot's, this slot runs nowhere: record why. When it is this same slot (two instances
        // ticking together), the holder records it, so nothing is written here.
        await client.query(
          `insert into job_run (job, slot, instance, started_at, finished_at, outcome, error)
           select $1, $2, $3, now(), now(), 'skipped', $4
            where exists (select 1 from job_run where job = $1 and outcome = 'running' and slot < $2)
           on conflict (job, slot) do nothing`,
          [job.name, slot, deps.instanceId, "skipped: the previous run of this job was still running"],
        );
        return { status: "skipped", reason: "overlap" };
      }
      try {
        const claim = await client.query<{ id: number }>(
          `insert into job_run (job, slot, instance, started_at, outcome) values ($1, $2, $3, now(), 'running')
           on conflict (job, slot) do nothing returning id`,
          [job.name, slot, deps.instanceId],
        );
        const id = claim.rows[0]?.id;
        if (id === undefined) return { status: "skipped", reason: "slot_taken" };
        const t0 = performance.now();
        // Peak RSS while the handler runs (every 50 ms, plus start and end), stored with the
        // summary under `peakRss`, labelled with its `measure`; for failed runs too.
        const rss = startPeakRss(50);
        let result: RunResult;
        try {
          const summary = (await job.handler({ slot })) ?? null;
          result = { status: "ok", durationMs: performance.now() - t0, summary: { ...summary, peakRss: rss.stop() } };
        } catch (err) {
          result = { status: "error", durationMs: performance.now() - t0, error: err instanceof Error ? err.message : String(err) };
          deps.log.error({ job: job.name, slot, err }, "job failed");
        }
        const peakRss = rss.stop();
        await client.query(`update job_run set finished_at = now(), outcome = $2, duration_ms = $3, error = $4, summary = $5 where id = $1`, [
          id,
          result.status,
          Math.round(result.durationMs),
          result.status === "error" ? result.error : null,
          JSON.stringify(result.status === "ok" ? result.summary : { peakRss }),
        ]);
        deps.broadcaster.publish(
          "job:finished",
          {
            job: job.name,
            slot: slot.toISOString(),
            outcome: result.status === "ok" ? "ok" : "error",
            durationMs: Math.round(result.durationMs),
            error: result.status === "error" ? result.error : null,
          },
          "market",
        );
        deps.log.debug({ job: job.name, outcome: result.status, ms: Math.round(result.durationMs) }, "job run");
        return result;
      } finally {
        await client.query("select pg_advisory_unlock(hashtext($1))", [`job:${job.name}`]);
      }
    } finally {
      client.release();
    }
  }

  function jobNamed(name: string): JobDefinition {
    const job = jobs.find((j) => j.name === name);
    if (!job) throw new Error(`unknown job ${name}`);
    return job;
  }

  function guarded(job: JobDefinition, slot: Date): Promise<RunResult> {
    const p = run(job, slot).catch((err: unknown): RunResult => {
      // Database down or similar: log and let the next slot try again.
      deps.log.error({ job: job.name, err }, "job could not run");
      return { status: "error", durationMs: 0, error: String(err) };
    });
    running.add(p);
    void p.finally(() => running.delete(p));
    return p;
  }

  // node-cron's own messages (e.g. "blocked by overlap prevention", which is the guard doing its
  // job) go to our structured log instead of bare stderr lines.
  const cronLog = deps.log.child({ component: "node-cron" });
  const logger = {
    info: (m: string) => cronLog.debug(m),
    warn: (m: string) => cronLog.debug(m),
    error: (m: string | Error, err?: Error) => cronLog.error({ err: err ?? m }, String(m)),
    debug: (m: string | Error) => cronLog.trace(String(m)),
  };
  /**
   * Marks `running` rows whose run is over without a record (its instance was killed, or lost the
   * database) as `abandoned`, with the reason: a run holds its job's advisory lock (a session
   * lock, released when its connection dies), so a running row whose lock nobody holds has no run.
   * The lock is looked up in pg_locks, never taken: a reconcile that took it for a moment made a
   * run starting that moment skip its slot on every instance (seen in a test as two "skipped").
   * Only the rows read before the look-up are marked, so a run that claims its row after it is
   * untouched. At start and then every minute, so rows left by a crash or an outage do not stay
   * "running".
   */
  async function reconcile(): Promise<number> {
    const stale = await deps.pool.query<{ job: string; ids: string[] }>(
      "select job, array_agg(id::text) as ids from job_run where outcome = 'running' group by job",
    );
    let marked = 0;
    for (const { job, ids } of stale.rows) {
      // pg_locks shows a one-key advisory lock as (classid, objid) = its high and low 32 bits.
      const held = await deps.pool.query<{ held: boolean }>(
        `select exists (select 1 from pg_locks
            where locktype = 'advisory' and granted and objsubid = 1
              and database = (select oid from pg_database where datname = current_database())
              and ((classid::bigint << 32) | objid::bigint) = hashtext($1)::bigint) as held`,
        [`job:${job}`],
      );
      if (held.rows[0]?.held) continue; // a run holds it: its row is live
      const r = await deps.pool.query(
        `update job_run set outcome = 'abandoned', finished_at = now(), error = $2 where id = any($1::bigint[]) and outcome = 'running'`,
        [ids, `abandoned: its instance stopped before the run finished (found by ${deps.instanceId})`],
      );
      marked += r.rowCount ?? 0;
    }
    if (marked > 0) deps.log.warn({ marked }, "job runs left running by a stopped instance marked abandoned");
    return marked;
  }
  const reconcileNow = () => void reconcile().catch((err: unknown) => deps.log.warn({ err }, "could not reconcile job runs (database unavailable?)"));
  reconcileNow();
  const reconcileTimer = setInterval(reconcileNow, 60_000);
  reconcileTimer.unref();

  for (const job of jobs) {
    const task = createTask(
      job.schedule,
      async (ctx) => {
        const slot = new Date(Math.floor(ctx.date.getTime() / 1000) * 1000);
        await guarded(job, slot);
      },
      { name: job.name, noOverlap: true, logger },
    );
    tasks.set(job.name, task);
    void task.start();
  }
  deps.log.info({ jobs: jobs.map((j) => `${j.name} (${j.schedule})`) }, "scheduler started");

  return {
    async stop() {
      clearInterval(reconcileTimer);
      await Promise.all([...tasks.values()].map((t) => t.stop()));
      await Promise.allSettled([...running]);
      await Promise.all([...tasks.values()].map((t) => t.destroy()));
    },
    nextRuns() {
      return Object.fromEntries([...tasks].map(([name, t]) => [name, t.getNextRun()?.toISOString() ?? null]));
    },
    runNow(name) {
      return guarded(jobNamed(name), new Date());
    },
    runSlot(name, slot) {
      return guarded(jobNamed(name), slot);
    },
    reconcile,
  };
}
