/**
 * Monitoring settings in the `setting` table: the monitor rules (`monitor.rules`), the autopilot
 * configuration (`autopilot.config`) and its pause switch (`autopilot.paused`).
 */
import fs from "node:fs/promises";
import type pg from "pg";
import { parseAutopilotConfig, type AutopilotConfig } from "../../../optimizer/autopilot/config";
import { parseMonitorConfig, type MonitorConfig } from "../../../optimizer/monitor/config";
import type { Actor } from "../../../optimizer/types";
import { writeAudit } from "../audit/write-audit";
import { withTransaction } from "../../platform/db/transaction";

export const MONITOR_RULES_KEY = "monitor.rules";
export const AUTOPILOT_CONFIG_KEY = "autopilot.config";
export const AUTOPILOT_PAUSED_KEY = "autopilot.paused";

/** The stored JSON value of a setting, or undefined. */
export async function readSetting(pool: pg.Pool, key: string): Promise<unknown> {
  const r = await pool.query<{ value: unknown }>("select value from setting where key = $1", [key]);
  return r.rows[0]?.value;
}

/** Stores a setting and audits the change (before/after) in one transaction. */
export async function writeSetting(pool: pg.Pool, key: string, value: unknown, actor: Actor, reason?: string): Promise<void> {
  await withTransaction(pool, async (client) => {
    const before = await client.query<{ value: unknown }>("select value from setting where key = $1 for update", [key]);
    await client.query(
      `insert into setting (key, value, updated_at, updated_by) values ($1, $2, now(), $3)
       on conflict (key) do update set value = excluded.value, updated_at = now(), updated_by = excluded.updated_by`,
      [key, JSON.stringify(value), actor.name],
    );
    await writeAudit(client, {
      actor,
      action: "setting.set",
      subjectType: "setting",
      subjectId: key,
      before: before.rows[0]?.value,
      after: value,
      reason: reason ?? null,
    });
  });
}

/**
 * The monitor configuration: from a JSON file when `file` is given, else the `monitor.rules`
 * setting, else the defaults. Invalid configuration throws MonitorConfigError naming the source
 * and every bad field (the job fails loudly rather than monitoring with half a config).
 */
export async function loadMonitorConfig(
  pool: pg.Pool,
  opts: { file?: string; defaults?: Parameters<typeof parseMonitorConfig>[2] } = {},
): Promise<MonitorConfig> {
  if (opts.file) {
    let raw: unknown;
    try {
      raw = JSON.parse(await fs.readFile(opts.file, "utf8"));
    } catch (err) {
      throw new Error(`cannot read monitor configuration ${opts.file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    return parseMonitorConfig(raw, opts.file, opts.defaults);
  }
  return parseMonitorConfig(await readSetting(pool, MONITOR_RULES_KEY), `setting ${MONITOR_RULES_KEY}`, opts.defaults);
}

/** The autopilot configuration from the `autopilot.config` setting (defaults when absent). */
export async function loadAutopilotConfig(pool: pg.Pool): Promise<AutopilotConfig> {
  return parseAutopilotConfig(await readSetting(pool, AUTOPILOT_CONFIG_KEY), `setting ${AUTOPILOT_CONFIG_KEY}`);
}

/** Whether the autopilot is paused (absent = running). */
export async function isAutopilotPaused(pool: pg.Pool): Promise<boolean> {
  return (await readSetting(pool, AUTOPILOT_PAUSED_KEY)) === true;
}
