/**
 * Fault injection (demos and drills): faults stored in `fault_injection`, cached in a FaultIndex
 * for the engine's per-call lookup and refreshed on a timer so every instance sees them.
 * Off unless PERFPILOT_FAULT_INJECTION=1: a disabled registry's lookup is a constant null and
 * creating a fault is refused.
 */
import crypto from "node:crypto";
import type pg from "pg";
import { AppError } from "../../../errors";
import { systemClock, type Clock } from "../../../optimizer/monitor/clock";
import type { Actor, FaultLookup } from "../../../optimizer/types";
import { writeAudit } from "../audit/write-audit";
import { FaultIndex, type FaultDefinition } from "./fault-index";
import type { FaultCreateInput } from "./fault-schemas";
import { withTransaction } from "../../platform/db/transaction";

export interface FaultRegistry {
  readonly enabled: boolean;
  /** The engine's hook (`new Engine({ faults: registry.lookup })`). */
  readonly lookup: FaultLookup;
  /** Reloads the active faults from Postgres. */
  refresh(): Promise<void>;
  create(input: FaultCreateInput, actor: Actor): Promise<FaultDefinition>;
  remove(id: string, actor: Actor): Promise<FaultDefinition>;
  /** Stored faults that have not ended, newest first. */
  list(): Promise<FaultDefinition[]>;
  /** Where relative latency faults read a variant's recent median (e.g. the recorder's live window). */
  setMedianSource(fn: (operation: string, variant: string) => number | null): void;
  /** Refreshes every `intervalMs` until stopped (idempotent). */
  start(intervalMs?: number): void;
  stop(): void;
}

/** A row of `fault_injection` (`select *`, `returning *`). */
export interface FaultRow {
  id: string;
  operation: string;
  variant: string;
  kind: FaultDefinition["kind"];
  amount: number;
  mode: FaultDefinition["mode"];
  starts_at: Date;
  ends_at: Date;
  created_by: string;
  created_at: Date;
}

export function toFault(r: FaultRow): FaultDefinition {
  return {
    id: r.id,
    operation: r.operation,
    variant: r.variant,
    kind: r.kind,
    amount: r.amount,
    mode: r.mode,
    startsAt: r.starts_at.getTime(),
    endsAt: r.ends_at.getTime(),
    createdBy: r.created_by,
  };
}

const DISABLED = "fault injection is disabled on this server (start it with PERFPILOT_FAULT_INJECTION=1)";

/** The fault registry of this process; `enabled` comes from env.PERFPILOT_FAULT_INJECTION. */
export function createFaultRegistry(pool: pg.Pool, opts: { enabled: boolean; clock?: Clock }): FaultRegistry {
  const clock = opts.clock ?? systemClock;
  const index = new FaultIndex(clock);
  let timer: ReturnType<typeof setInterval> | null = null;
  const list = async () =>
    (await pool.query<FaultRow>("select * from fault_injection where ends_at > $1 order by created_at desc", [new Date(clock.now())])).rows.map(toFault);
  const refresh = async () => {
    if (opts.enabled) index.replace(await list());
  };
  return {
    enabled: opts.enabled,
    // Disabled: a constant null, so the engine's call path pays nothing at all.
    lookup: opts.enabled ? index.lookup : () => null,
    refresh,
    list,
    setMedianSource: (fn) => index.setMedianSource(fn),
    async create(input, actor) {
      if (!opts.enabled) throw new AppError("forbidden", DISABLED);
      const now = clock.now();
      const startsAt = input.startsAt ?? now;
      const endsAt = input.endsAt ?? startsAt + input.durationMinutes! * 60_000;
      if (!(endsAt > startsAt && endsAt > now)) throw new AppError("validation_failed", "a fault must end in the future and after it starts");
      const f: FaultDefinition = {
        id: crypto.randomUUID(),
        operation: input.operation,
        variant: input.variant,
        kind: input.kind,
        amount: input.amount,
        mode: input.mode,
        startsAt,
        endsAt,
        createdBy: actor.name,
      };
      await withTransaction(pool, async (client) => {
        await client.query(
          `insert into fault_injection (id, operation, variant, kind, amount, mode, starts_at, ends_at, created_by) values ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
          [f.id, f.operation, f.variant, f.kind, f.amount, f.mode, new Date(f.startsAt), new Date(f.endsAt), f.createdBy],
        );
        await writeAudit(client, { actor, action: "fault.created", subjectType: "fault_injection", subjectId: f.id, after: f });
      });
      await refresh();
      return f;
    },
    async remove(id, actor) {
      const client = await pool.connect();
      let removed: FaultDefinition;
      try {
        await client.query("begin");
        const r = await client.query<FaultRow>("delete from fault_injection where id = $1 returning *", [id]);
        if (!r.rows[0]) throw new AppError("not_found", `unknown fault ${id}`);
        removed = toFault(r.rows[0]);
        await writeAudit(client, { actor, action: "fault.deleted", subjectType: "fault_injection", subjectId: id, before: removed });
        await client.query("commit");
      } catch (err) {
        await client.query("rollback").catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
      await refresh();
      return removed;
    },
    start(intervalMs = 5_000) {
      if (timer || !opts.enabled) return;
      // A refresh failure (database restart) keeps the previous index; the next tick retries.
      timer = setInterval(() => void refresh().catch(() => undefined), intervalMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
