import fs from "node:fs";
import path from "node:path";
import { clusterDirOf } from "../../lib/server/platform/boot/database";
import { clusterLocation } from "../../lib/server/platform/db/postgres-process";

/**
 * Removes a throwaway data dir and the cluster made for it. As root in a folder other users cannot
 * enter (a `mkdtemp` folder is 0700), the cluster lives under /var/tmp instead (`clusterLocation`):
 * removing the data dir alone left that copy behind on every run.
 */
export function removeDataDir(dataDir: string): void {
  const requested = clusterDirOf(dataDir);
  const cluster = clusterLocation(requested);
  if (cluster !== requested) fs.rmSync(path.dirname(cluster), { recursive: true, force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
}
