import { buildStaleReason, runNextBuild } from "../../lib/server/platform/boot/next-build";

/**
 * One production build before any server starts: the instances are started with SKIP_NEXT_BUILD,
 * so three servers never run `next build` at the same time into the same `.next`, and a source
 * edited while the test runs cannot make one of them rebuild under the others.
 */
export async function setup(): Promise<void> {
  const reason = buildStaleReason();
  if (!reason) return;
  console.log(`building the dashboard once for the instances (${reason})`);
  await runNextBuild();
}
