/**
 * How a variant is drawn, the same on every chart: the baseline grey and dashed, each optimized
 * variant solid in its own colour (derived from its name, so it never changes between renders).
 */
// Combined variants (e.g. `cache+memory`) take colours no single strategy uses.
const PALETTE = ["#e3b341", "#f778ba", "#a5d6ff", "#7ee787", "#ffa198"];
const BY_STRATEGY: Record<string, string> = {
  cache: "#4da3ff",
  memory: "#3fb950",
  async: "#d2a8ff",
  queue: "#f0883e",
  stream: "#39c5cf",
  batch: "#ff7b72",
  incremental: "#bc8cff",
  identity: "#a5a5a5",
};

export const BASELINE_COLOR = "#8b96a3";

export interface VariantStyle {
  color: string;
  dash: string | undefined;
  width: number;
}

export function variantStyle(variant: string): VariantStyle {
  if (variant === "baseline") return { color: BASELINE_COLOR, dash: "5 4", width: 1.5 };
  const known = BY_STRATEGY[variant];
  if (known) return { color: known, dash: undefined, width: 2 };
  let h = 0;
  for (let i = 0; i < variant.length; i++) h = (h * 31 + variant.charCodeAt(i)) | 0;
  return { color: PALETTE[Math.abs(h) % PALETTE.length]!, dash: undefined, width: 2 };
}
