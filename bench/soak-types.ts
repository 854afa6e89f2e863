/* What the soak (bench/soak.ts) measures, as written to bench/results/latest.json. */

export interface Distribution {
  n: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export interface SoakResult {
  seconds: number;
  ratePerSecond: number;
  clients: number;
  balancer: "nginx" | "node";
  topology: string;
  /** The instance killed: one running a report task (`runningTask`) when there was one. */
  kill: { instance: string; runningTask: string | null; atS: number; restartReadyAfterS: number | null };
  requests: {
    sent: number;
    notSent: number;
    answered: number;
    /** No response at all (connection error, timeout): the balancer stayed up, so none is expected. */
    noResponse: number;
    byStatus: Record<string, number>;
    achievedPerSecond: number;
    latencyMs: Distribution;
    latencyByKindMs: Record<string, Distribution>;
  };
  errors5xx: { total: number; inFlightOnKilled: number; outside: number; outsideExamples: string[] };
  tasks: { submitted: number; completed: number; failed: number; lost: number; retried: number; completionS: Distribution };
  samples: {
    instances: { name: string; answered: number; written: number; missing: number }[];
    /** Answered calls without their sample on the instances that were not killed (target 0). */
    missingOutsideKilled: number;
    /** Answered by the killed instance without their sample: its ring not yet flushed when it died. */
    missingOnKilled: number;
  };
  events: {
    /** Event arrival at a client after its first arrival at any client (the publisher's own), ms. */
    deliveryMs: Distribution;
    byKind: Record<string, number>;
    /** PATCH sent → the change on every connected client, ms. */
    writeToEveryClientMs: Distribution;
    missedWhileConnected: number;
    reconnects: number;
  };
  /**
   * CPU during the measured run, in cores (CPU seconds per second): the instances (every
   * incarnation), Postgres (npm run db and its backends), the balancer, this bench process, and the
   * whole machine; `others` is what other programs on the machine used meanwhile.
   */
  cpu: { cores: number; instances: number; postgres: number; balancer: number; bench: number; machineBusy: number; others: number; serverMsPerRequest: number };
}
