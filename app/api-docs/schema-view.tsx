import type { ReactNode } from "react";
import styles from "./api-docs.module.css";

/** A JSON Schema node of the document (OpenAPI 3.1 uses JSON Schema 2020-12). */
export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
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
  default?: unknown;
  examples?: unknown[];
  description?: string;
};

const SAFE_INT = 9007199254740991;

/** `code` spans and **bold** of the document's descriptions, nothing more (no markdown library for two rules). */
export function Inline({ text }: { text: string }): ReactNode {
  return text
    .split(/(`[^`]+`|\*\*[^*]+\*\*)/)
    .map((part, j) =>
      part.startsWith("`") ? <code key={j}>{part.slice(1, -1)}</code> : part.startsWith("**") ? <strong key={j}>{part.slice(2, -2)}</strong> : part,
    );
}

/** Paragraphs of a description. */
export function Text({ text }: { text: string | undefined }) {
  if (!text) return null;
  return (
    <>
      {text.split("\n\n").map((para, i) => (
        <p key={i}>
          <Inline text={para} />
        </p>
      ))}
    </>
  );
}

/** The component name of a `$ref` (`#/components/schemas/Alert` → `Alert`). */
export function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf("/") + 1);
}

/** Constraints worth reading: lengths, ranges, pattern, format, default (not the ±2^53 zod puts on every integer). */
export function constraints(s: JsonSchema): string[] {
  const out: string[] = [];
  if (s.format) out.push(s.format);
  if (s.minLength !== undefined && s.minLength > 0) out.push(`min length ${s.minLength}`);
  if (s.maxLength !== undefined) out.push(`max length ${s.maxLength}`);
  if (s.minimum !== undefined && Math.abs(s.minimum) !== SAFE_INT) out.push(`≥ ${s.minimum}`);
  if (s.exclusiveMinimum !== undefined) out.push(`> ${s.exclusiveMinimum}`);
  if (s.maximum !== undefined && Math.abs(s.maximum) !== SAFE_INT) out.push(`≤ ${s.maximum}`);
  if (s.exclusiveMaximum !== undefined) out.push(`< ${s.exclusiveMaximum}`);
  if (s.minItems !== undefined && s.minItems > 0) out.push(`at least ${s.minItems} items`);
  if (s.maxItems !== undefined) out.push(`at most ${s.maxItems} items`);
  if (s.pattern && !s.format) out.push(`pattern ${s.pattern}`);
  if (s.default !== undefined) out.push(`default ${JSON.stringify(s.default)}`);
  if (s.examples?.length) out.push(`e.g. ${s.examples.map((e) => `\`${String(e)}\``).join(", ")}`);
  return out;
}

/** A one-line type: `string`, `Alert[]`, `"a" | "b"`, `{ alerts: Alert[] }`, with links to named schemas. */
export function TypeText({ schema }: { schema: JsonSchema | undefined }): ReactNode {
  if (!schema || Object.keys(schema).length === 0 || (schema.description && Object.keys(schema).length === 1)) return <span className={styles.type}>any</span>;
  if (schema.$ref) {
    const name = refName(schema.$ref);
    return (
      <a className={styles.type} href={`#schema-${name}`}>
        {name}
      </a>
    );
  }
  if (schema.const !== undefined) return <code className={styles.type}>{JSON.stringify(schema.const)}</code>;
  if (schema.enum) return <code className={styles.type}>{schema.enum.map((v) => JSON.stringify(v)).join(" | ")}</code>;
  const union = schema.anyOf ?? schema.oneOf;
  if (union)
    return join(
      union.map((u, i) => <TypeText key={i} schema={u} />),
      " | ",
    );
  if (schema.allOf)
    return join(
      schema.allOf.map((u, i) => <TypeText key={i} schema={u} />),
      " & ",
    );
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const parts = types.map((t, i) => {
    if (t === "array")
      return (
        <span key={i}>
          <TypeText schema={schema.items} />
          []
        </span>
      );
    if (t === "object") return <span key={i}>{objectText(schema)}</span>;
    return (
      <span key={i} className={styles.type}>
        {t}
      </span>
    );
  });
  return parts.length ? join(parts, " | ") : <span className={styles.type}>any</span>;
}

function objectText(s: JsonSchema): ReactNode {
  const props = Object.entries(s.properties ?? {});
  const extra = typeof s.additionalProperties === "object" ? s.additionalProperties : null;
  if (props.length === 0 && extra) {
    return (
      <span>
        {"{ [key]: "}
        <TypeText schema={extra} />
        {" }"}
      </span>
    );
  }
  if (props.length === 0) return <span className={styles.type}>object</span>;
  return (
    <span>
      {"{ "}
      {join(
        props.map(([name, p]) => (
          <span key={name}>
            {name}
            {s.required?.includes(name) ? "" : "?"}: <TypeText schema={p} />
          </span>
        )),
        ", ",
      )}
      {" }"}
    </span>
  );
}

function join(nodes: ReactNode[], sep: string): ReactNode {
  return nodes.flatMap((n, i) => (i === 0 ? [n] : [sep, n]));
}

/** An object's fields as a table (name, type, required, constraints and description); other schemas as one type line. */
export function SchemaView({ schema, caption }: { schema: JsonSchema | undefined; caption: string }) {
  if (!schema?.properties) {
    return (
      <p className={styles.typeLine}>
        <TypeText schema={schema} />
        {schema?.description ? (
          <span className="muted">
            {" — "}
            <Inline text={schema.description} />
          </span>
        ) : null}
      </p>
    );
  }
  return (
    <>
      {schema.description ? (
        <p className="muted">
          <Inline text={schema.description} />
        </p>
      ) : null}
      <table className={styles.fields}>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Type</th>
            <th scope="col">Notes</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(schema.properties).map(([name, p]) => (
            <tr key={name}>
              <td>
                <code>{name}</code>
                {schema.required?.includes(name) ? <span className={styles.required}> required</span> : null}
              </td>
              <td>
                <TypeText schema={p} />
              </td>
              <td>
                <Inline text={[...constraints(p), p.description].filter(Boolean).join("; ")} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {schema.additionalProperties === false ? <p className={styles.note}>No other fields.</p> : null}
    </>
  );
}
