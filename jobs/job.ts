/** A scheduled job declared as data: name, cron schedule (6 fields: seconds first), handler. */
export interface JobDefinition {
  name: string;
  /** node-cron expression with seconds, e.g. `0 * * * * *` (every minute). */
  schedule: string;
  description: string;
  /** The operations the handler calls: they run as often as the job (the monitor's no-data rule). */
  operations?: string[];
  /** Returns a small JSON summary stored with the run. Throwing marks the run as failed. */
  handler: (ctx: { slot: Date }) => Promise<Record<string, unknown> | void>;
}
