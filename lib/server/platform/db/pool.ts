import pg from "pg";

// DATE columns stay `YYYY-MM-DD` strings: turning them into local-midnight Date objects is how
// off-by-one-day bugs start. The session time zone is UTC for the same reason.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);
// Prisma stores `timestamp(3)` columns as UTC wall time; raw SQL must read and write them the same way.
pg.defaults.parseInputDatesAsUTC = true;
pg.types.setTypeParser(pg.types.builtins.TIMESTAMP, (v) => new Date(`${v.replace(" ", "T")}Z`));
// COUNT(*) and bigserial ids fit comfortably in a double for this data size.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** The one pg pool of a process (Prisma uses its own through the adapter). */
export function createPool(connectionString: string, max = 12, opts: { idleTimeoutMillis?: number } = {}): pg.Pool {
  // A bounded connect: during a database outage a request fails fast (503) instead of hanging.
  const pool = new pg.Pool({ connectionString, max, options: "-c timezone=UTC", application_name: "perfpilot", connectionTimeoutMillis: 5_000, ...opts });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on("error", () => undefined);
  return pool;
}
