import type { Implementation, StrategyImplementation } from "../operation";

/**
 * The `stream` strategy: results are pushed live (through a broadcaster port supplied by the
 * operation) as soon as they are produced. Shadow runs never publish.
 */
export function streamStrategy<I, O>(opts: { publish: (result: O, input: I) => void; description: string }): StrategyImplementation<I, O> {
  return {
    strategy: "stream",
    replaces: false,
    description: opts.description,
    wrap(inner: Implementation<I, O>): Implementation<I, O> {
      return async (input, cx) => {
        const result = await inner(input, cx);
        if (!cx.shadow) opts.publish(result, input);
        return result;
      };
    },
  };
}
