import { describe, expect, it } from "vitest";
import { Engine } from "../../lib/optimizer/engine";
import { defineOperation } from "../../lib/optimizer/operation";
import { replaceStrategy } from "../../lib/optimizer/strategies/replace";
import { cacheStrategy } from "../../lib/optimizer/strategies/cache";
import type { OptimizationState, SampleInput, Strategy } from "../../lib/optimizer/types";
import { MASTER_SWITCHES } from "../../lib/optimizer/types";
import type { OperationDeps } from "../../lib/operations/operation-module";
import { operationModule } from "../../lib/operations/operation-module";
import { OPERATIONS, registerOperations } from "../../lib/operations/registry";

const switches = Object.fromEntries(MASTER_SWITCHES.map((s) => [s, true])) as Record<(typeof MASTER_SWITCHES)[number], boolean>;
const state = (operation: string, strategy: Strategy, s: OptimizationState["state"] = "on", percent = 100): OptimizationState => ({
  id: `${operation}:${strategy}`,
  operation,
  strategy,
  state: s,
  percent,
  seed: 1,
  reason: null,
  version: 1,
  updatedAt: new Date(0).toISOString(),
  updatedBy: "test",
});

// The modules only capture their ports when defined; calls below never reach them.
const ports = {} as Omit<OperationDeps, "invoke">;

/** The README's worked example: a new operation is one module… */
const squareAll = operationModule("toy-service.square-all", () =>
  defineOperation({
    name: "toy-service.square-all",
    service: "toy-service",
    title: "Squares of a list of numbers",
    key: (i: { xs: number[] }) => i.xs.join(","),
    sideEffects: false,
    equivalent: (a: number[], b: number[]) => (a.join() === b.join() ? { equal: true } : { equal: false, diff: `${a} vs ${b}` }),
    strategies: [
      replaceStrategy<{ xs: number[] }, number[]>("memory", "One typed array instead of a list", async (i) => [...Float64Array.from(i.xs, (x) => x * x)]),
    ],
    baseline: async (i) => i.xs.map((x) => x * x),
  }),
);

describe("operation modules", () => {
  it("registers every SPEC §2 operation once, each from its own module", () => {
    const engine = new Engine({ sink: { record: () => undefined } });
    registerOperations(engine, ports);
    expect(engine.operations().map((o) => o.name)).toEqual(OPERATIONS.map((m) => m.name));
    expect(new Set(OPERATIONS.map((m) => m.name)).size).toBe(OPERATIONS.length);
  });

  it("adds a toy operation with one module and one list entry, callable by its module", async () => {
    const samples: SampleInput[] = [];
    const engine = new Engine({ sink: { record: (s) => void samples.push(s) } });
    const ops = registerOperations(engine, ports, [...OPERATIONS, squareAll]);
    expect(await ops.invoke(squareAll, { xs: [1, 2, 3] })).toEqual([1, 4, 9]);
    engine.applyStates([state("toy-service.square-all", "memory")], switches);
    expect(await ops.invoke(squareAll, { xs: [4] })).toEqual([16]);
    expect(samples.map((s) => `${s.operation}/${s.variant}`)).toEqual(["toy-service.square-all/baseline", "toy-service.square-all/memory"]);
  });
});

describe("variant names tell what runs", () => {
  const setup = () => {
    const ran: string[] = [];
    const run = (name: string, result: string) => {
      ran.push(name);
      return Promise.resolve(result);
    };
    const op = defineOperation({
      name: "toy-service.pick",
      service: "toy-service",
      title: "pick",
      key: (i: { k: string }) => i.k,
      sideEffects: false,
      strategies: [
        replaceStrategy<{ k: string }, string>("memory", "m", () => run("memory", "m")),
        replaceStrategy<{ k: string }, string>("async", "a", () => run("async", "a")),
        cacheStrategy<{ k: string }, string>({ key: (i) => i.k, ttlMs: 60_000, max: 10, maxBytes: 1_000_000 }),
      ],
      queueable: true,
      baseline: () => run("baseline", "b"),
    });
    const samples: SampleInput[] = [];
    const engine = new Engine({ sink: { record: (s) => void samples.push(s) } });
    engine.register(op);
    return { engine, op, ran, samples };
  };

  it("a replacing strategy drops the ones before it: memory then async runs, and is named, async", async () => {
    const { engine, op, ran, samples } = setup();
    engine.applyStates([state(op.name, "memory"), state(op.name, "async")], switches);
    expect(engine.plan(op, "x").variant).toBe("async");
    await engine.call(op, { k: "x" });
    expect(ran).toEqual(["async"]);
    expect(samples[0]?.variant).toBe("async");
  });

  it("a decorating strategy keeps what it wraps in the name", () => {
    const { engine, op } = setup();
    engine.applyStates([state(op.name, "memory"), state(op.name, "cache")], switches);
    expect(engine.plan(op, "x").variant).toBe("memory+cache");
  });

  it("dispatch: queued unless a strategy in use already keeps the result", async () => {
    const { engine, op } = setup();
    engine.applyStates([state(op.name, "queue")], switches);
    expect(engine.dispatch(op, { k: "x" })).toEqual({ mode: "queue" });
    engine.applyStates([state(op.name, "queue"), state(op.name, "cache")], switches);
    expect(engine.dispatch(op, { k: "x" })).toEqual({ mode: "queue" });
    engine.applyStates([state(op.name, "cache")], switches);
    await engine.call(op, { k: "x" }); // fills the cache
    engine.applyStates([state(op.name, "queue"), state(op.name, "cache")], switches);
    expect(engine.dispatch(op, { k: "x" })).toEqual({ mode: "kept", result: "b" });
    expect(engine.invalidateKept()).toBe(1);
    expect(engine.dispatch(op, { k: "x" })).toEqual({ mode: "queue" });
    engine.applyStates([], switches);
    expect(engine.dispatch(op, { k: "x" })).toEqual({ mode: "run" });
  });
});
