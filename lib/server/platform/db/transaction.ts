import type pg from "pg";

/**
 * Runs `fn` in one transaction on a dedicated pool client: commit when it resolves, rollback
 * when it throws (the error is rethrown), and the client goes back to the pool either way.
 */
export async function withTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("begin");
    const out = await fn(client);
    await client.query("commit");
    return out;
  } catch (err) {
    await client.query("rollback").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
