import type { OperationSpec } from "../optimizer/operation";
import type { OperationDeps } from "./deps";

/**
 * One operation, declared in one module: its name, baseline, optimized implementations with the
 * strategy each belongs to, equivalence check, limits and benchmark inputs. `define` binds it to
 * the running system's ports at start; routes and jobs call it by the module (`invoke(module, input)`).
 */
export interface OperationModule<I, O> {
  readonly name: string;
  define(deps: OperationDeps): OperationSpec<I, O>;
}

/** Declares an operation module; the spec's name must be the module's name. */
export function operationModule<I, O>(name: string, define: (deps: OperationDeps) => OperationSpec<I, O>): OperationModule<I, O> {
  return {
    name,
    define(deps) {
      const spec = define(deps);
      if (spec.name !== name) throw new Error(`operation module ${name} defines ${spec.name}`);
      return spec;
    },
  };
}

export type InputOf<M> = M extends OperationModule<infer I, unknown> ? I : never;
export type OutputOf<M> = M extends OperationModule<unknown, infer O> ? O : never;
