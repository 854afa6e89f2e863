/**
 * Next gives route handlers their own copies of our modules, so a module-level singleton set by
 * server.ts is invisible to them. Everything the process shares across those copies (the runtime,
 * auth, the metrics registry, the sign-in limiter…) lives in this one `globalThis` slot: the one
 * workaround for that cause, in one place. Each owner keeps its own typed key.
 */
const SLOT = Symbol.for("perfpilot.process");
type Shared = Map<string, unknown>;

function shared(): Shared {
  const g = globalThis as { [SLOT]?: Shared };
  return (g[SLOT] ??= new Map());
}

/** A typed entry of the process-wide slot. */
export interface ProcessSlot<T> {
  get(): T | undefined;
  set(value: T | undefined): void;
  /** The value, created on first use. */
  getOrCreate(create: () => T): T;
}

export function processSlot<T>(key: string): ProcessSlot<T> {
  return {
    get: () => shared().get(key) as T | undefined,
    set: (value) => void (value === undefined ? shared().delete(key) : shared().set(key, value)),
    getOrCreate(create) {
      const s = shared();
      if (!s.has(key)) s.set(key, create());
      return s.get(key) as T;
    },
  };
}
