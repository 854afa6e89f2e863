/**
 * The clock port of monitoring, alerting and the autopilot: wall time in ms since the epoch.
 * Injected everywhere so tests can run simulated hours in seconds.
 */
export interface Clock {
  now(): number;
}

/** The real wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to (tests and simulations). */
export class ManualClock implements Clock {
  constructor(private t: number) {}

  now(): number {
    return this.t;
  }

  /** Moves the clock forward by `ms` (never backwards). */
  advance(ms: number): number {
    if (!(ms >= 0)) throw new RangeError(`ManualClock.advance: ms must be ≥ 0, got ${ms}`);
    this.t += ms;
    return this.t;
  }

  /** Sets the clock to `t` (must not be earlier than now). */
  set(t: number): void {
    if (t < this.t) throw new RangeError("ManualClock.set: time cannot go backwards");
    this.t = t;
  }
}
