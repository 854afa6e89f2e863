// fast-check arbitraries from the JSON Schemas of the OpenAPI document (themselves generated from
// the routes' zod schemas), and the malformed and boundary values the API fuzz test mixes in.
// Written here because no maintained zod-4 or JSON-Schema → fast-check generator exists for
// fast-check 4 (zod-fast-check supports zod 3 and fast-check < 4 only).
import fc from "fast-check";

export type JsonSchema = Record<string, unknown> & {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
};

/** Strings that broke routes before, or that Postgres, Date or a parser cannot hold. */
export const WEIRD_STRINGS = [
  "",
  "\u0000",
  "a\u0000b",
  "\u001b[31mred",
  "\r\n",
  "\u202e\ufeff",
  "constructor",
  "__proto__",
  "hasOwnProperty",
  "-271821-04-20T00:00:00Z",
  "+275760-09-13T00:00:00.000Z",
  "2016-02-30",
  "2016-02-30T00:00:00Z",
  "2016-02-28T25:61:61Z",
  "9999-99-99",
  "0000-00-00",
  "1e400",
  "-1",
  "-0",
  "NaN",
  "Infinity",
  "99999999999999999999999",
  "0x10",
  "' or 1=1; drop table audit_event; --",
  "%25",
  "%FF",
  "%E0%A4%A",
  "../../etc/passwd",
  "x".repeat(100_000),
] as const;

export const weirdString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...WEIRD_STRINGS) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
);

/** Any JSON value of the wrong kind: weird strings, extreme numbers, booleans, null, arrays, prototype keys. */
export const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  weirdString,
  fc.integer(),
  fc.constantFrom(-1, 0, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 1.5, -0.000001, 2 ** 31, -(2 ** 63)),
  fc.boolean(),
  fc.constant(null),
  fc.array(weirdString, { maxLength: 3 }),
  fc.constant({ constructor: { prototype: { polluted: true } } }),
  fc.constant({}),
);

/** Raw path segments as sent on the wire: broken percent-encoding, encoded NUL and escapes, prototype names, huge. */
export const weirdSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "%FF%FE",
    "%",
    "%E0%A4%A",
    "%25FF",
    "%2525",
    "a%00b",
    "%00",
    "%1B%5B31m",
    "%ED%A0%80",
    "constructor",
    "__proto__",
    "toString",
    "-1",
    "99999999999999999999999",
    "1e400",
    "x".repeat(3000),
  ),
  fc.string({ unit: "binary", maxLength: 12 }).map((s) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, "x"))),
);

const SAFE = Number.MAX_SAFE_INTEGER;

function resolve(schema: JsonSchema, components: Record<string, JsonSchema>): JsonSchema {
  let s = schema;
  for (let i = 0; s.$ref && i < 10; i++) s = components[s.$ref.slice(s.$ref.lastIndexOf("/") + 1)] ?? {};
  return s;
}

function stringArbitrary(s: JsonSchema): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = Math.min(s.maxLength ?? 40, 200);
  const within = (a: fc.Arbitrary<string>) => a.filter((v) => v.length >= min && v.length <= (s.maxLength ?? Infinity));
  switch (s.format) {
    case "uuid":
      return fc.uuid();
    case "date-time":
      return fc.date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }).map((d) => d.toISOString());
    case "date":
      return fc.date({ min: new Date("1990-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    case "email":
      return within(fc.emailAddress());
  }
  if (s.pattern) {
    try {
      return within(fc.stringMatching(new RegExp(s.pattern)));
    } catch {
      // A pattern JavaScript cannot compile: fall back to plain strings.
    }
  }
  return fc.string({ minLength: min, maxLength: Math.max(min, max) });
}

function numberArbitrary(s: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const lo = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + (integer ? 1 : Number.EPSILON) : -1e6);
  const hi = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - (integer ? 1 : Number.EPSILON) : 1e6);
  if (integer) return fc.integer({ min: Math.max(Math.ceil(lo), -SAFE), max: Math.min(Math.floor(hi), SAFE) });
  return fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true });
}

/**
 * Values the schema describes (as JSON), up to a small size. Refinements the schema cannot express
 * (a real calendar date, say) are reached through its `examples`, which are drawn half the time.
 */
export function arbitraryFor(schema: JsonSchema | undefined, components: Record<string, JsonSchema>, depth = 0, hints: Hints = {}): fc.Arbitrary<unknown> {
  const s = resolve(schema ?? {}, components);
  const base = describedBy(s, components, depth, hints);
  return Array.isArray(s.examples) && s.examples.length > 0 ? fc.oneof(fc.constantFrom(...(s.examples as unknown[])), base) : base;
}

/** Real values by field name (operation names, ids, symbols) to draw besides the schema's own. */
export type Hints = Record<string, readonly string[]>;

/** A field's values: the schema's, or (a third of the time) a real one of that name. */
export function withHints(name: string, arb: fc.Arbitrary<unknown>, hints: Hints): fc.Arbitrary<unknown> {
  const real = hints[name] ?? [];
  return real.length > 0 ? fc.oneof({ weight: 2, arbitrary: arb }, { weight: 1, arbitrary: fc.constantFrom(...real) }) : arb;
}

function describedBy(s: JsonSchema, components: Record<string, JsonSchema>, depth: number, hints: Hints): fc.Arbitrary<unknown> {
  if (depth > 6) return fc.constant(null);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const union = s.anyOf ?? s.oneOf;
  if (union) return fc.oneof(...union.map((u) => arbitraryFor(u, components, depth + 1, hints)));
  if (Array.isArray(s.type)) return fc.oneof(...s.type.map((t) => arbitraryFor({ ...s, type: t }, components, depth + 1, hints)));
  switch (s.type) {
    case "string":
      return stringArbitrary(s);
    case "integer":
      return numberArbitrary(s, true);
    case "number":
      return numberArbitrary(s, false);
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      return fc.array(arbitraryFor(s.items, components, depth + 1, hints), { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 4, 4) });
    case "object": {
      const props = s.properties ?? {};
      const model = Object.fromEntries(Object.entries(props).map(([k, p]) => [k, withHints(k, arbitraryFor(p, components, depth + 1, hints), hints)]));
      return fc.record(model, { requiredKeys: (s.required ?? []).filter((k) => k in props) });
    }
    default:
      return fc.jsonValue({ maxDepth: 1 });
  }
}

/** A query-string value for a parameter schema: what a client would send (numbers and booleans as text). */
export function queryValueFor(schema: JsonSchema | undefined, components: Record<string, JsonSchema>, name = "", hints: Hints = {}): fc.Arbitrary<string> {
  return withHints(name, arbitraryFor(schema, components, 0, hints), hints).map((v) =>
    typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v),
  );
}

/**
 * A body that is valid per the schema (or the document's example), or nearly: one field swapped for a weird value, a required
 * field dropped, or an unknown field added (the ways careless and hostile clients go wrong).
 */
export function bodyValueFor(
  schema: JsonSchema | undefined,
  components: Record<string, JsonSchema>,
  hints: Hints = {},
  example?: unknown,
): fc.Arbitrary<unknown> {
  const s = resolve(schema ?? {}, components);
  const drawn = arbitraryFor(s, components, 0, hints);
  // The documented example is valid where drawn values may miss a refinement: mutate it too.
  const valid = example !== undefined ? fc.oneof(fc.constant(example), drawn) : drawn;
  const keys = Object.keys(s.properties ?? {});
  if (s.type !== "object" || keys.length === 0) return fc.oneof(valid, weirdValue);
  const asObject = valid.map((v) => (v && typeof v === "object" ? { ...(v as Record<string, unknown>) } : {}));
  return fc.oneof(
    { weight: 3, arbitrary: valid },
    {
      weight: 3,
      arbitrary: fc.tuple(asObject, fc.constantFrom(...keys), weirdValue).map(([o, k, w]) => ({ ...o, [k]: w })),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(asObject, fc.constantFrom(...keys)).map(([o, k]) => {
        delete o[k];
        return o;
      }),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(asObject, fc.constantFrom("extra", "__proto__", "constructor", "role", "id"), weirdValue).map(([o, k, w]) => {
        Object.defineProperty(o, k, { value: w, enumerable: true, configurable: true, writable: true });
        return o;
      }),
    },
  );
}
