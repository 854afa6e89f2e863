import type { Metadata } from "next";
import { openApiDocument } from "@/lib/server/domains/api-contract/document";
import { Inline, SchemaView, Text, TypeText, constraints, type JsonSchema } from "./schema-view";
import styles from "./api-docs.module.css";

export const metadata: Metadata = { title: "API reference · Perfpilot" };

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: JsonSchema;
}
interface Media {
  schema?: JsonSchema;
  example?: unknown;
}
interface Operation {
  tags?: string[];
  summary?: string;
  description?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, Media> };
  responses: Record<string, { description: string; content?: Record<string, Media> }>;
  "x-access"?: string;
}

function anchor(method: string, path: string): string {
  return `${method}-${path.replace(/[^a-zA-Z0-9]+/g, "-").replace(/^-|-$/g, "")}`;
}

function OperationView({ method, path, op }: { method: string; path: string; op: Operation }) {
  const id = anchor(method, path);
  const params = op.parameters ?? [];
  return (
    <section className={styles.operation} aria-labelledby={id}>
      <h3 id={id} className={styles.opTitle}>
        <span className={`${styles.method} ${styles[method]}`}>{method.toUpperCase()}</span> <code className={styles.path}>{path}</code>
      </h3>
      <p className={styles.summary}>
        {op.summary} <span className={styles.access}>access: {op["x-access"]}</span>
      </p>
      <div className={styles.description}>
        <Text text={op.description} />
      </div>
      {params.length > 0 && (
        <>
          <h4>Parameters</h4>
          <table className={styles.fields}>
            <caption className="sr-only">
              Parameters of {method.toUpperCase()} {path}
            </caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">In</th>
                <th scope="col">Type</th>
                <th scope="col">Notes</th>
              </tr>
            </thead>
            <tbody>
              {params.map((p) => (
                <tr key={`${p.in}-${p.name}`}>
                  <td>
                    <code>{p.name}</code>
                    {p.required ? <span className={styles.required}> required</span> : null}
                  </td>
                  <td>{p.in}</td>
                  <td>
                    <TypeText schema={p.schema} />
                  </td>
                  <td>
                    <Inline text={[...(p.schema ? constraints(p.schema) : []), p.description].filter(Boolean).join("; ")} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {op.requestBody && (
        <>
          <h4>Body {op.requestBody.required ? "" : "(optional)"}</h4>
          {Object.entries(op.requestBody.content).map(([type, media]) => (
            <div key={type}>
              <p className={styles.note}>{type}</p>
              <SchemaView schema={media.schema} caption={`Body of ${method.toUpperCase()} ${path}`} />
              {media.example !== undefined ? (
                <>
                  <p className={styles.note}>Example</p>
                  <pre className={styles.example}>{JSON.stringify(media.example, null, 2)}</pre>
                </>
              ) : null}
            </div>
          ))}
        </>
      )}
      <h4>Responses</h4>
      <dl className={styles.responses}>
        {Object.entries(op.responses).map(([status, r]) => (
          <div key={status} className={styles.response}>
            <dt className={Number(status) < 400 ? styles.ok : styles.err}>{status}</dt>
            <dd>
              <Text text={r.description} />
              {Object.entries(r.content ?? {}).map(([type, media]) => (
                <p key={type} className={styles.typeLine}>
                  <span className="muted">{type}: </span>
                  <TypeText schema={media.schema} />
                </p>
              ))}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/**
 * The API reference, rendered on the server from the same OpenAPI document that
 * /api/openapi.json serves: no client bundle, readable without JavaScript.
 */
export default function ApiDocsPage() {
  const doc = openApiDocument() as unknown as {
    info: { title: string; version: string; description?: string };
    tags?: { name: string; description?: string }[];
    paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
    components?: { schemas?: Record<string, JsonSchema> };
  };
  const ops = Object.entries(doc.paths).flatMap(([path, item]) => METHODS.flatMap((m) => (item[m] ? [{ method: m, path, op: item[m] }] : [])));
  const tags = doc.tags ?? [];
  return (
    <div className={styles.page}>
      <h1>
        {doc.info.title} <span className="muted">{doc.info.version}</span>
      </h1>
      <p className="in-text">
        OpenAPI 3.1 document: <a href="/api/openapi.json">/api/openapi.json</a> ({ops.length} operations).
      </p>
      <div className={styles.description}>
        <Text text={doc.info.description} />
      </div>
      <nav aria-label="Operations" className={styles.toc}>
        {tags.map((t) => (
          <div key={t.name}>
            <h2 className={styles.tocTag}>
              <a href={`#tag-${t.name}`}>{t.name}</a>
            </h2>
            <ul>
              {ops
                .filter((o) => o.op.tags?.includes(t.name))
                .map((o) => (
                  <li key={anchor(o.method, o.path)}>
                    <a href={`#${anchor(o.method, o.path)}`}>
                      <span className={`${styles.method} ${styles[o.method]}`}>{o.method.toUpperCase()}</span> {o.path}
                    </a>
                  </li>
                ))}
            </ul>
          </div>
        ))}
      </nav>
      {tags.map((t) => (
        <section key={t.name} aria-labelledby={`tag-${t.name}`}>
          <h2 id={`tag-${t.name}`}>{t.name}</h2>
          <p className="muted">{t.description}</p>
          {ops
            .filter((o) => o.op.tags?.includes(t.name))
            .map((o) => (
              <OperationView key={anchor(o.method, o.path)} {...o} />
            ))}
        </section>
      ))}
      <section aria-labelledby="schemas">
        <h2 id="schemas">Schemas</h2>
        {Object.entries(doc.components?.schemas ?? {}).map(([name, schema]) => (
          <section key={name} className={styles.operation} aria-labelledby={`schema-${name}`}>
            <h3 id={`schema-${name}`}>{name}</h3>
            <SchemaView schema={schema} caption={`Fields of ${name}`} />
          </section>
        ))}
      </section>
    </div>
  );
}
