import { route, json } from "@/lib/server/platform/http/route";
import { getRuntime } from "@/lib/server/platform/runtime";
import { listOperations, listOptimizations } from "@/lib/server/domains/optimizations/optimization-queries";

export const dynamic = "force-dynamic";

/** Every registered operation with its optimizations (state and latest comparison). */
export const GET = route({ access: "viewer" }, async () => {
  const { pool } = getRuntime();
  const [operations, optimizations] = await Promise.all([listOperations(pool), listOptimizations(pool)]);
  return json({
    operations: operations.map((op) => ({ ...op, optimizations: optimizations.filter((o) => o.operation === op.name) })),
  });
});
