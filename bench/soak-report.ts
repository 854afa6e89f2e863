/* The soak's lines in bench/results/latest.md: its target rows and its own section. */
import type { Distribution, SoakResult } from "./soak-types";

const f = (n: number | null | undefined, d = 0) => (n === null || n === undefined || !Number.isFinite(n) ? "—" : n.toFixed(d));
const ok = (pass: boolean) => (pass ? "met" : "**not met**");
const dist = (x: Distribution, unit = "ms", d = 0) =>
  `p50 ${f(x.p50, d)} ${unit}, p95 ${f(x.p95, d)} ${unit}, p99 ${f(x.p99, d)} ${unit}, max ${f(x.max, d)} ${unit} (n = ${x.n})`;

/** The rows of the Targets table. */
export function soakTargetRows(s: SoakResult): string[] {
  const lossless = s.tasks.lost === 0 && s.samples.missingOutsideKilled === 0 && s.errors5xx.outside === 0;
  return [
    `| soak: 3 instances behind ${s.balancer}, ${s.ratePerSecond} req/s of mixed API calls + ${s.clients} socket clients for ${s.seconds} s, one instance SIGKILLed at ${f(s.kill.atS)} s and restarted | 0 lost tasks, 0 lost samples, 0 5xx outside the killed instance's in-flight requests | ${s.tasks.lost} of ${s.tasks.submitted} tasks lost; ${s.samples.missingOutsideKilled} samples missing on the instances not killed (${s.samples.missingOnKilled} in the killed one's unflushed buffer); ${s.errors5xx.outside} 5xx outside (${s.errors5xx.inFlightOnKilled} in flight on the killed instance); ${s.requests.answered} answered, p99 ${f(s.requests.latencyMs.p99)} ms | ${ok(lossless)} |`,
    `| soak: event delivered to a browser on another instance | p95 ≤ 1 s | ${dist(s.events.deliveryMs)}; operator change → every browser p95 ${f(s.events.writeToEveryClientMs.p95)} ms | ${ok((s.events.deliveryMs.p95 ?? Infinity) <= 1000)} |`,
  ];
}

/** The soak's own section. */
export function renderSoak(s: SoakResult): string[] {
  const statuses = Object.entries(s.requests.byStatus)
    .sort()
    .map(([k, n]) => `${k}: ${n}`)
    .join(", ");
  return [
    `## Soak: three instances on one database behind a load balancer`,
    ``,
    `${s.topology}. ${s.ratePerSecond} req/s on a fixed schedule (open loop) of technical analysis (40%), tasks list (19%), signals (15%), optimizations list (15%), market (10%), report tasks (0.25%, the queue optimization on, each slowed by 3 s of injected latency so that one is running when an instance dies), silences (0.5%), and an optimization change every 10 s; ${s.clients} Socket.IO clients in the dashboard's rooms, rejoining after a reconnect. ${s.kill.instance} SIGKILLed at ${f(s.kill.atS)} s${s.kill.runningTask ? ` while it ran task ${s.kill.runningTask}` : " (no task was running anywhere)"} and started again at once (ready ${f(s.kill.restartReadyAfterS, 1)} s after the kill).`,
    ``,
    `| what | figure |`,
    `|---|---|`,
    `| requests | ${s.requests.sent} sent (${f(s.requests.achievedPerSecond, 1)}/s), ${s.requests.notSent} not sent (backlog), ${s.requests.answered} answered, ${s.requests.noResponse} without a response; by status: ${statuses} |`,
    `| latency, every answered request | ${dist(s.requests.latencyMs)} |`,
    ...Object.entries(s.requests.latencyByKindMs).map(([kind, d]) => `| latency, ${kind} | ${dist(d)} |`),
    `| 5xx or no response | ${s.errors5xx.total}: ${s.errors5xx.inFlightOnKilled} in flight on the killed instance as it died, ${s.errors5xx.outside} outside${s.errors5xx.outsideExamples.length ? ` (${s.errors5xx.outsideExamples.join("; ")})` : ""} |`,
    `| tasks | ${s.tasks.submitted} submitted, ${s.tasks.completed} completed, ${s.tasks.failed} failed, ${s.tasks.lost} lost, ${s.tasks.retried} retried after a failed attempt; submit → completed ${dist(s.tasks.completionS, "s", 1)} |`,
    `| samples of technical analysis (calls answered 2xx, not from the cache → sample rows) | ${s.samples.instances.map((i) => `${i.name}: ${i.answered} → ${i.written}${i.missing ? ` (${i.missing > 0 ? `${i.missing} missing` : `${-i.missing} more`})` : ""}`).join("; ")} |`,
    `| events across instances (arrival after the first client's) | ${dist(s.events.deliveryMs)}; ${Object.entries(s.events.byKind)
      .map(([k, n]) => `${k} ${n}`)
      .join(", ")} deliveries |`,
    `| operator change (PATCH) → every client | ${dist(s.events.writeToEveryClientMs)} |`,
    `| clients | ${s.events.reconnects} reconnects; ${s.events.missedWhileConnected} events missed by a client connected throughout |`,
    `| CPU during the run (cores of ${s.cpu.cores}) | instances ${f(s.cpu.instances, 2)}, Postgres ${f(s.cpu.postgres, 2)}, balancer ${f(s.cpu.balancer, 2)}, bench client ${f(s.cpu.bench, 2)}; machine busy ${f(s.cpu.machineBusy, 2)}, of which other programs ${f(s.cpu.others, 2)}; ${f(s.cpu.serverMsPerRequest, 1)} ms of server CPU (instances + Postgres + balancer) per answered request |`,
    ``,
  ];
}
