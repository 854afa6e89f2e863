// CPU time of processes and of the whole machine, from Linux /proc (USER_HZ ticks).
import fs from "node:fs";

const HZ = 100;

function statFields(pid: number): string[] | null {
  try {
    // Fields after the command name, which may contain spaces: state is field 3 (index 0 here).
    return fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  } catch {
    return null;
  }
}

/** User + system CPU seconds of one process (0 when it is gone). */
export function processCpuSeconds(pid: number): number {
  const f = statFields(pid);
  return f ? (Number(f[11]) + Number(f[12])) / HZ : 0;
}

/**
 * CPU seconds of a process tree: the root, its live descendants, and the children it has reaped
 * (cutime/cstime), e.g. a postmaster and its backends, or nginx and its workers.
 */
export function treeCpuSeconds(root: number): number {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(Number(name));
    if (!f) continue;
    const ppid = Number(f[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
  }
  const rootFields = statFields(root);
  if (!rootFields) return 0;
  let total = (Number(rootFields[13]) + Number(rootFields[14])) / HZ;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    total += processCpuSeconds(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** Busy and total CPU seconds of the machine since boot, all cores (/proc/stat). */
export function machineCpuSeconds(): { busy: number; total: number } {
  const line = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map(Number) as number[];
  const busy = user! + nice! + system! + irq! + softirq! + steal!;
  return { busy: busy / HZ, total: (busy + idle! + iowait!) / HZ };
}
