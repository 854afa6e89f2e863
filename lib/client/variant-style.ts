/**
 * How a variant is drawn: the baseline grey and dashed, each optimized variant solid in a colour
 * of its own. On a page that shows several variants together (the operation charts) colours are
 * assigned with `assignVariantStyles`, which guarantees no two variants share one; the
 * name-derived `variantStyle` serves small widgets that show one operation's variants briefly
 * (overview, sparklines).
 */
const BY_STRATEGY: Record<string, string> = {
  cache: "#4da3ff",
  memory: "#3fb950",
  async: "#d2a8ff",
  queue: "#f0883e",
  stream: "#39c5cf",
  batch: "#ff7b72",
  incremental: "#e3b341",
  identity: "#f778ba",
};

// Colours for variants without a strategy colour of their own (combined ones such as
// `memory+cache`), chosen apart in hue from the strategy colours and from each other: the first
// version hashed names into a palette that held a second green, so `memory` and `memory+cache`
// were drawn alike.
const EXTRA = ["#ffffff", "#a5d6ff", "#ffa198", "#b8f5c2", "#bc8cff", "#c69026", "#ff9bce", "#56d4dd"];
const PALETTE = [...new Set([...Object.values(BY_STRATEGY), ...EXTRA])];

export const BASELINE_COLOR = "#8b96a3";

export interface VariantStyle {
  color: string;
  /** SVG dash array (`"5 4"`), undefined for solid. */
  dash: string | undefined;
  width: number;
}

const BASELINE: VariantStyle = { color: BASELINE_COLOR, dash: "5 4", width: 1.5 };

export function variantStyle(variant: string): VariantStyle {
  if (variant === "baseline") return BASELINE;
  const known = BY_STRATEGY[variant];
  if (known) return { color: known, dash: undefined, width: 2 };
  let h = 0;
  for (let i = 0; i < variant.length; i++) h = (h * 31 + variant.charCodeAt(i)) | 0;
  return { color: EXTRA[Math.abs(h) % EXTRA.length]!, dash: undefined, width: 2 };
}

/**
 * Distinct styles for the variants of one page, in order of appearance: `previous` keeps the
 * colours already shown (a variant never changes colour while the page is open); a new variant
 * takes its strategy colour when no other variant on the page has it, else the first free colour
 * of the palette. Beyond the palette's 16 colours, colours repeat with a dotted line.
 */
export function assignVariantStyles(variants: readonly string[], previous?: ReadonlyMap<string, VariantStyle>): Map<string, VariantStyle> {
  const out = new Map<string, VariantStyle>();
  const used = new Set<string>();
  for (const [v, st] of previous ?? []) {
    out.set(v, st);
    if (v !== "baseline") used.add(`${st.color}|${st.dash ?? ""}`);
  }
  let overflow = 0;
  for (const v of variants) {
    if (out.has(v)) continue;
    if (v === "baseline") {
      out.set(v, BASELINE);
      continue;
    }
    const known = BY_STRATEGY[v];
    let color = known && !used.has(`${known}|`) ? known : PALETTE.find((c) => !used.has(`${c}|`));
    let dash: string | undefined;
    if (!color) {
      color = PALETTE[overflow++ % PALETTE.length]!;
      dash = "1 3";
    }
    used.add(`${color}|${dash ?? ""}`);
    out.set(v, { color, dash, width: 2 });
  }
  return out;
}

/** A style's dash array as canvas numbers (`"5 4"` → [5, 4]). */
export function dashArray(st: VariantStyle): number[] | undefined {
  return st.dash ? st.dash.split(/\s+/).map(Number) : undefined;
}
