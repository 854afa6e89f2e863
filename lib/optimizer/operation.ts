/**
 * An operation: a named unit of work (`service.operation`) with its baseline function.
 * Optimized variants and strategies attach to it in the engine.
 */
export interface OperationSpec<I = unknown, O = unknown> {
  /** `service.operation`, e.g. `technical-indicators.calculate`. */
  name: string;
  service: string;
  title: string;
  /** The plain implementation, always kept and always one click away. */
  baseline: (input: I) => Promise<O>;
  /** The request key used for sticky variant assignment (e.g. the symbol). */
  key: (input: I) => string;
  /** Writes to storage or the outside world: never run twice by shadow mode unless idempotent. */
  sideEffects: boolean;
  idempotent?: boolean;
}

/** Declares an operation with its input/output types inferred from the baseline. */
export function defineOperation<I, O>(spec: OperationSpec<I, O>): OperationSpec<I, O> {
  if (!/^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/.test(spec.name)) {
    throw new Error(`operation name must be "service.operation" in kebab-case, got "${spec.name}"`);
  }
  if (!spec.name.startsWith(`${spec.service}.`)) {
    throw new Error(`operation ${spec.name} does not belong to service ${spec.service}`);
  }
  return spec;
}
