import type { OperationSpec } from "./operation";

/** What the engine records for every call (the sample), before it reaches any sink. */
export interface CallRecord {
  operation: string;
  variant: string;
  durationMs: number;
  ok: boolean;
  key: string;
}

export interface EngineOptions {
  /** Monotonic clock in milliseconds (injectable for tests). */
  now?: () => number;
  onCall?: (record: CallRecord) => void;
}

/** The optimization engine: every service operation is registered once and called through it. */
export class Engine {
  private readonly ops = new Map<string, OperationSpec<any, any>>();
  private readonly now: () => number;

  constructor(private readonly options: EngineOptions = {}) {
    this.now = options.now ?? (() => performance.now());
  }

  /** Registers an operation; a name can be registered once. */
  register<I, O>(spec: OperationSpec<I, O>): OperationSpec<I, O> {
    if (this.ops.has(spec.name)) throw new Error(`operation ${spec.name} is already registered`);
    this.ops.set(spec.name, spec);
    return spec;
  }

  /** The registered operations, in registration order. */
  operations(): OperationSpec<unknown, unknown>[] {
    return [...this.ops.values()];
  }

  /** Runs one call of an operation through the engine and records it. */
  async call<I, O>(op: OperationSpec<I, O>, input: I): Promise<O> {
    const spec = this.ops.get(op.name);
    if (spec !== op) throw new Error(`operation ${op.name} is not registered with this engine`);
    const key = op.key(input);
    const t0 = this.now();
    let ok = false;
    try {
      const out = await op.baseline(input);
      ok = true;
      return out;
    } finally {
      this.options.onCall?.({ operation: op.name, variant: "baseline", durationMs: this.now() - t0, ok, key });
    }
  }
}
