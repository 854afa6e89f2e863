/** How the engine runs an optimized variant: with its timeout, and with an injected fault in tests. */
import type { ActiveFault } from "./types";

/** Thrown by an injected error fault. */
export class InjectedFault extends Error {
  constructor() {
    super("injected fault");
    this.name = "InjectedFault";
  }
}

export async function withFault<T>(fault: ActiveFault, run: () => Promise<T>, random: () => number): Promise<T> {
  // The held buffer is touched so the allocation is real, and kept alive until the call ends.
  const held = fault.holdBytes > 0 ? new Uint8Array(fault.holdBytes).fill(1) : null;
  if (fault.delayMs > 0) await new Promise((r) => setTimeout(r, fault.delayMs));
  if (fault.errorRate > 0 && random() < fault.errorRate) throw new InjectedFault();
  const out = await run();
  if (held && held[0] !== 1) throw new Error("unreachable");
  return out;
}

/** Thrown when an optimized variant exceeds its operation's timeout. */
export class VariantTimeout extends Error {
  constructor(ms: number) {
    super(`optimized variant exceeded its ${ms} ms timeout`);
    this.name = "VariantTimeout";
  }
}

// The losing promise keeps running (JavaScript cannot cancel it); its result is ignored.
export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new VariantTimeout(ms)), ms);
    }),
  ]);
}
